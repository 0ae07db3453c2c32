"""Section 1: the paper's batch on one device: training steps of the real-size teacher and ViCoKD
V_F distiller, in bf16 autocast and in float32.

Each model is built from weight files (:mod:`.loaded_models`; the configs' ``with_cp``, i.e.
activation checkpointing per Transformer block of both encoders) and trained with
``model.train_step`` (data preprocessor, forward, backward, Adam step) on one fixed batch of
B x V x T frames as the pipeline packs them (uint8 video (V, T, 3, 224, 224) and fbank audio
(V, T, 40, 128) per sample, on the CPU; the step moves it to the device). bf16 runs first; float32
is then tried with a fresh optimizer and, where it does not fit, its out-of-memory point is
recorded instead of a time.
"""
import torch

from ..speed.models import pixel_batch
from .device_timing import release, run_calls
from .loaded_models import AST_FILE, MODEL_NAMES, VIT_FILE, load_model
from .settings import CheckSizes
from .step_precision import PRECISIONS, optim_wrapper


def encoders_with_cp(model: torch.nn.Module) -> bool:
    """Whether every encoder of the trained recognizer (a distiller's student; its teacher is
    frozen) checkpoints its blocks."""
    recognizer = getattr(model, 'student', model)
    encoders = [getattr(recognizer, key) for key in ('visual_encoder', 'audio_encoder')
                if getattr(recognizer, key, None) is not None]
    return all(e.with_cp for e in encoders)


def step_row(model: torch.nn.Module, name: str, batch: dict, precision: str,
             sizes: CheckSizes, device: torch.device) -> dict:
    """Median seconds of ``sizes.timed_steps`` train steps after ``sizes.warmup_steps``."""
    optim = optim_wrapper(model, precision, device)
    run = run_calls(lambda: model.train_step(batch, optim), device, sizes.warmup_steps,
                    sizes.timed_steps)
    del optim
    model.zero_grad(set_to_none=True)
    release(device)
    median = run['median_s']
    return dict(model=name, precision=precision,
                status='ok' if run['oom'] is None else 'out of memory',
                step_s=run['seconds'], median_s_per_step=median,
                samples_per_s=sizes.batch / median if median else None,
                max_memory_allocated_gib=run['max_memory_allocated_gib'], oom=run['oom'])


def bench_paper_batch(workspace: str, sizes: CheckSizes, device: torch.device) -> dict:
    """Every model in every precision (module docstring); the JSON's ``paper_batch``."""
    models, rows = [], []
    for name in MODEL_NAMES:
        model, info = load_model(name, workspace, sizes.depth, device)
        batch = pixel_batch(model, sizes.batch, sizes.views, sizes.frames, audio=True)
        models.append(dict(model=name, with_cp=encoders_with_cp(model), **info))
        for precision in PRECISIONS:
            rows.append(step_row(model, name, batch, precision, sizes, device))
        del model, batch
        release(device)
    return dict(batch=[sizes.batch, sizes.views, sizes.frames], depth=sizes.depth,
                warmup_steps=sizes.warmup_steps, timed_steps=sizes.timed_steps,
                weight_files=dict(vit=VIT_FILE, ast=AST_FILE), models=models, rows=rows)


def step_samples_per_s(paper_batch: dict, precision: str = 'bf16') -> dict:
    """``{model: samples/s}`` of the ``precision`` steps that ran (None where they ran out of
    memory)."""
    return {row['model']: row['samples_per_s'] for row in paper_batch['rows']
            if row['precision'] == precision}
