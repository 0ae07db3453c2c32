"""Section 2: do bf16-autocast training steps log the losses float32 steps log?

For the teacher and the ViCoKD V_F distiller (:mod:`.loaded_models`): one set of initial weights
and ``agreement_batches`` fixed batches (B x V x T, seeds 0, 1, ...); ``agreement_steps`` training
steps in each precision from those weights, cycling over the batches, with the same torch seed
(dropout draws the same masks). Every logged loss of every step is compared: the relative
difference |bf16 - fp32| / |fp32|, and every non-finite value in either run.
"""
import itertools
import math
from typing import Sequence

import torch

from ..speed.models import pixel_batch
from .device_timing import release, run_calls
from .loaded_models import MODEL_NAMES, load_model
from .settings import CheckSizes
from .step_precision import PRECISIONS, optim_wrapper

# The denominator's floor: a loss logged as exactly 0 in float32 compares in absolute terms.
TINY = 1e-12


def logged_losses(model: torch.nn.Module, state: dict, batches: Sequence[dict], precision: str,
                  steps: int, device: torch.device) -> dict:
    """``steps`` train steps from ``state``: ``dict(losses, oom)``, ``losses`` one
    ``{name: value}`` per step that finished (``oom`` as :func:`.device_timing.run_calls`)."""
    model.load_state_dict(state)
    torch.manual_seed(0)
    optim = optim_wrapper(model, precision, device)
    cycle = itertools.cycle(batches)
    losses = []

    def step():
        log_vars = model.train_step(next(cycle), optim)
        losses.append({k: torch.as_tensor(v).item() for k, v in log_vars.items()})
    run = run_calls(step, device, warmup=0, repeats=steps)
    del optim
    model.zero_grad(set_to_none=True)
    release(device)
    return dict(losses=losses, oom=run['oom'])


def non_finite(losses: dict) -> list:
    """``[dict(precision, step, key)]`` of every NaN or infinite value; ``losses`` maps a
    precision to its per-step ``{name: value}`` list."""
    return [dict(precision=precision, step=step, key=key)
            for precision, steps in losses.items() for step, values in enumerate(steps)
            for key, value in values.items() if not math.isfinite(value)]


def compare_losses(fp32: Sequence[dict], bf16: Sequence[dict]) -> dict:
    """Largest relative difference |bf16 - fp32| / max(|fp32|, 1e-12) over the steps both runs
    finished and the losses both logged with finite values.

    Returns:
        dict: ``max_rel_diff`` (None when nothing compares), ``max_rel_diff_step``,
        ``max_rel_diff_key`` (where it is) and ``max_rel_diff_per_key`` ``{name: value}``.
    """
    best, at, per_key = None, (None, None), {}
    for step, (ref, low) in enumerate(zip(fp32, bf16)):
        for key in sorted(set(ref) & set(low)):
            if not (math.isfinite(ref[key]) and math.isfinite(low[key])):
                continue
            rel = abs(low[key] - ref[key]) / max(abs(ref[key]), TINY)
            per_key[key] = max(per_key.get(key, 0.0), rel)
            if best is None or rel > best:
                best, at = rel, (step, key)
    return dict(max_rel_diff=best, max_rel_diff_step=at[0], max_rel_diff_key=at[1],
                max_rel_diff_per_key=per_key)


def bench_bf16_agreement(workspace: str, sizes: CheckSizes, device: torch.device) -> dict:
    """Every model (module docstring); the JSON's ``bf16_vs_fp32``."""
    rows = []
    for name in MODEL_NAMES:
        model, _ = load_model(name, workspace, sizes.depth, device)
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        batches = [pixel_batch(model, sizes.batch, sizes.views, sizes.frames, audio=True,
                               seed=seed) for seed in range(sizes.agreement_batches)]
        runs = {precision: logged_losses(model, state, batches, precision,
                                         sizes.agreement_steps, device)
                for precision in PRECISIONS}
        losses = {p: r['losses'] for p, r in runs.items()}
        rows.append(dict(model=name, steps_done={p: len(v) for p, v in losses.items()},
                         oom={p: r['oom'] for p, r in runs.items()}, losses=losses,
                         non_finite=non_finite(losses),
                         **compare_losses(losses['fp32'], losses['bf16'])))
        del model, state, batches
        release(device)
    diffs = [r['max_rel_diff'] for r in rows if r['max_rel_diff'] is not None]
    return dict(batch=[sizes.batch, sizes.views, sizes.frames], depth=sizes.depth,
                steps=sizes.agreement_steps, batches=sizes.agreement_batches,
                max_rel_diff=max(diffs) if diffs else None,
                any_non_finite=any(r['non_finite'] for r in rows), models=rows)
