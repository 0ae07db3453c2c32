"""Section 7: activation memory a training forward keeps for backward, per frame.

Measured with :func:`mmvicokd.experiments.speed.measure.saved_tensor_bytes` (saved-tensor hooks: the
distinct storages autograd saves, parameters and the input batch left out) on the real
Home-1 MultiASL student and teacher in training mode (``loss``), at two clip lengths; the
difference over the added frames is the per-frame cost, the rest a fixed cost (e.g. the bf16
copies of the weights under autocast). Four settings: float32, ``with_cp`` (activation
checkpointing per Transformer block of both encoders), bf16 autocast (CPU; a GPU's fp16 keeps
tensors of the same size), and both.
"""
from contextlib import nullcontext

import torch

from .measure import saved_tensor_bytes
from .models import build, model_config, pixel_batch
from .recording import TRAIN_BATCH, TRAIN_BATCH_FRAMES

SETTINGS = (('float32', False, False), ('float32 + with_cp', True, False),
            ('bf16 autocast', False, True), ('bf16 autocast + with_cp', True, True))
GOAL_GIB = 24.0


def kept_bytes(model: torch.nn.Module, batch: dict, amp: bool) -> int:
    """Bytes the model's training forward (``loss``) keeps for backward on ``batch``."""
    data = model.data_preprocessor(batch, training=True)
    inputs = data['inputs']

    def forward():
        with torch.autocast('cpu', dtype=torch.bfloat16) if amp else nullcontext():
            return model.loss(inputs, data['data_samples'])

    kept, _ = saved_tensor_bytes(forward, exclude=[*model.parameters(), *inputs.values()])
    return kept


def bench_memory(arch: str, img_size: int, depth, frames: tuple) -> dict:
    """Kept MiB per frame and the estimate for a 12 x 5 x 70 batch, per model and setting.

    ``frames``: two clip lengths (T1 < T2) of a batch of one clip with the model's V views.
    """
    short, long = frames
    rows = []
    for name, audio in (('student', False), ('teacher', True)):
        for setting, with_cp, amp in SETTINGS:
            model = build(model_config(name, arch, img_size, depth, with_cp)).train()
            views = model.fusion.num_views
            kept = [kept_bytes(model, pixel_batch(model, 1, views, t, audio), amp)
                    for t in (short, long)]
            per_frame = (kept[1] - kept[0]) / (views * (long - short))
            fixed = kept[0] - per_frame * views * short
            estimate = fixed + per_frame * TRAIN_BATCH_FRAMES
            rows.append(dict(model=name, setting=setting, with_cp=with_cp, amp=amp,
                             kept_bytes=kept, mib_per_frame=per_frame / 2 ** 20,
                             fixed_mib=fixed / 2 ** 20, batch_gib=estimate / 2 ** 30))
    return dict(arch=arch, img_size=img_size, depth=depth, views=views, frames=list(frames),
                batch=list(TRAIN_BATCH), goal_gib=GOAL_GIB, rows=rows,
                method='saved-tensor hooks (torch.autograd.graph.saved_tensors_hooks): bytes of '
                       'the distinct storages saved for backward by the training forward, '
                       'parameters and input batch excluded; per frame = difference between '
                       f'clips of {short} and {long} frames x {views} views')
