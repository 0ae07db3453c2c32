"""Train an encoder and a multi-label head on the corpus; score it on the held-out recordings."""
import math
import time
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ....evaluation.functional import multilabel_map

WEIGHT_DECAY = 0.05


def _lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up over ``warmup`` steps, then cosine decay to 0 at ``total``."""
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1.0 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


@torch.no_grad()
def _score(encoder, head, inputs: torch.Tensor, prepare: Callable,
           batch_size: int) -> torch.Tensor:
    encoder.eval()
    head.eval()
    return torch.cat([head(encoder.encode_frames(prepare(chunk)))
                      for chunk in inputs.split(batch_size)])


def fit_encoder(encoder: nn.Module, head: nn.Module, inputs: np.ndarray, labels: np.ndarray,
                held_out: np.ndarray, prepare: Callable, epochs: int, batch_size: int,
                lr: float, progress: bool = True) -> dict:
    """Minimise the binary cross-entropy of ``head(encoder.encode_frames(prepare(x)))``.

    AdamW (weight decay :data:`WEIGHT_DECAY`), linear warm-up over the first 5 % of the steps,
    then cosine decay; samples are shuffled by a generator seeded by 0.

    Args:
        encoder: a frame encoder (``encode_frames``: (n, *frame) -> (n, D)), trained in place.
        head: (n, D) -> (n, K) logits, trained in place.
        inputs: (N, *frame) samples as stored (e.g. uint8 frames).
        labels: (N, K) multi-hot targets.
        held_out: (N,) bool, samples kept out of training and scored at the end.
        prepare: stored batch tensor -> encoder input (normalisation).
        epochs, batch_size, lr: the schedule (``lr`` is the peak).
        progress: show a progress bar over the steps.

    Returns:
        ``train_loss`` (mean over the last epoch), ``held_out_loss``, ``held_out_map`` (macro
        AP over the labels with a held-out positive, %), ``held_out_accuracy`` (share of
        correct 0/1 decisions at p = 0.5, %), ``steps``, ``seconds``.
    """
    from mmengine.utils import ProgressBar
    start = time.time()
    data = torch.from_numpy(inputs)
    target = torch.from_numpy(labels).float()
    train_idx = torch.from_numpy(np.flatnonzero(~held_out))
    per_epoch = math.ceil(len(train_idx) / batch_size)
    total = epochs * per_epoch
    params = [*encoder.parameters(), *head.parameters()]
    optim = torch.optim.AdamW(params, lr=lr, weight_decay=WEIGHT_DECAY)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: _lr_factor(s, total, max(1, total // 20)))
    gen = torch.Generator().manual_seed(0)
    bar = ProgressBar(total) if progress else None
    for _ in range(epochs):
        encoder.train()
        head.train()
        losses = []
        for batch in train_idx[torch.randperm(len(train_idx), generator=gen)].split(batch_size):
            loss = F.binary_cross_entropy_with_logits(
                head(encoder.encode_frames(prepare(data[batch]))), target[batch])
            optim.zero_grad()
            loss.backward()
            optim.step()
            sched.step()
            losses.append(loss.item())
            if bar is not None:
                bar.update()
    if bar is not None:
        print()
    keep = torch.from_numpy(np.flatnonzero(held_out))
    logits = _score(encoder, head, data[keep], prepare, batch_size)
    truth = target[keep]
    return dict(
        train_loss=round(float(np.mean(losses)), 4),
        held_out_loss=round(F.binary_cross_entropy_with_logits(logits, truth).item(), 4),
        held_out_map=round(100 * multilabel_map(logits.numpy(), truth.numpy()), 2),
        held_out_accuracy=round(100 * ((logits > 0).float() == truth).float().mean().item(), 2),
        steps=total, seconds=round(time.time() - start, 1))
