"""Section 8: a ViCoKD train step vs a Student train step on the same batch, and the share of
the view-consistency loss (Eq. 10) in a ViCoKD step.

Both on pixels (trainable encoders; the teacher's forward is the extra cost) and on cached
features (frozen encoders, ``configs/features/``) at the paper's batch. Each case is
``model.train_step`` (preprocess, forward, backward, Adam step), interleaved and repeated.
The consistency share is its forward + backward on the student's view logits
(B, V, T, C) over the ViCoKD step, timed side by side.
"""
import torch
from mmaction.registry import MODELS
from mmengine.optim import OptimWrapper

from .measure import ratio_rows, time_interleaved
from .models import build, feature_batch, model_config, pixel_batch

GOAL_RATIO = 1.5
GOAL_VC_SHARE = 0.03


def _step(model: torch.nn.Module, batch: dict):
    optim = OptimWrapper(torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-4))
    model.train()
    return lambda: model.train_step(batch, optim)


def _vc_case(vicokd: torch.nn.Module, shape: tuple):
    loss = MODELS.build(dict(type='ViewConsistencyLoss'))
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(*shape, generator=gen)
    mask = torch.rand(*shape[:3], generator=gen) < 0.7

    def run():
        leaf = logits.clone().requires_grad_(True)
        loss(leaf, mask).backward()
    return run


def _compare(student, vicokd, batch, repeats: int, vc_shape=None) -> dict:
    cases = {'Student train step': _step(student, batch),
             'ViCoKD train step': _step(vicokd, batch)}
    if vc_shape is not None:
        cases['view consistency, forward + backward'] = _vc_case(vicokd, vc_shape)
    rows = ratio_rows(time_interleaved(cases, repeats, warmup=1), 'Student train step')
    by_name = {r['name']: r['median_s'] for r in rows}
    result = dict(rows=rows, ratio=by_name['ViCoKD train step'] / by_name['Student train step'])
    if vc_shape is not None:
        result['vc_share'] = (by_name['view consistency, forward + backward']
                              / by_name['ViCoKD train step'])
    return result


def bench_train_steps(arch: str, img_size: int, depth, pixel_shape: tuple,
                      feature_shape: tuple, repeats: int) -> dict:
    """``pixel_shape``/``feature_shape``: (B, V, T) of the two batches."""
    student = build(model_config('student', arch, img_size, depth))
    vicokd = build(model_config('vicokd', arch, img_size, depth))
    pixels = _compare(student, vicokd, pixel_batch(vicokd, *pixel_shape, audio=True), repeats)
    student = build(model_config('student_features', arch, img_size, depth))
    vicokd = build(model_config('vicokd_features', arch, img_size, depth))
    classes = vicokd.student.fusion.num_classes
    features = _compare(student, vicokd, feature_batch(vicokd, *feature_shape), repeats,
                        vc_shape=(*feature_shape, classes))
    return dict(arch=arch, img_size=img_size, depth=depth, pixel_shape=list(pixel_shape),
                feature_shape=list(feature_shape), classes=classes, pixels=pixels,
                features=features, goal_ratio=GOAL_RATIO, goal_vc_share=GOAL_VC_SHARE)
