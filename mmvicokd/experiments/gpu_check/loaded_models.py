"""The real-size Home-1 MultiASL teacher and ViCoKD V_F distiller, started from weight files in
the layouts users download, on the check's device.

The files are written once per check by the pretrained-step benchmark's writer
(:func:`mmvicokd.experiments.speed.pretrained_step.write_weight_files`: random weights of the real
shapes) and loaded by the configs' own ``init_weights``
(:func:`~mmvicokd.experiments.speed.pretrained_step.build_loaded`): the ViT-S/32 from timm's
augreg ``.npz`` and AST-base from a Hugging Face hub folder; the distiller's student from the same
``.npz`` and its teacher from a checkpoint of that teacher.
"""
import os
import os.path as osp
import time

import torch

from ...utils.atomic_files import write_text
from ...utils.logged_to import logged_to
from ..speed.pretrained_step import build_loaded, teacher_config, write_weight_files

MODEL_NAMES = ('teacher', 'vicokd')
VIT_FILE, AST_FILE = 'vit.npz', 'ast_hub'


def weight_folder(workspace: str, depth) -> str:
    """``workspace/weights`` holding the weight files (written on the first call)."""
    folder = osp.join(workspace, 'weights')
    done = osp.join(folder, 'written')
    if not osp.exists(done):
        os.makedirs(folder, exist_ok=True)
        write_weight_files(folder, depth)
        write_text(done, '')
    return folder


def load_model(name: str, workspace: str, depth, device: torch.device) -> tuple:
    """Build ``name`` (``'teacher'`` or ``'vicokd'``) from the weight files, on ``device``.

    Returns:
        tuple: the model (training mode) and ``dict(load_s, params_m, trainable_m)``: seconds
        to build and load, parameters and trainable parameters in millions.
    """
    if name not in MODEL_NAMES:
        raise ValueError(f'model must be one of {MODEL_NAMES}, got {name!r}')
    folder = weight_folder(workspace, depth)
    t0 = time.perf_counter()
    cfg = teacher_config(folder, VIT_FILE, AST_FILE, depth)
    # MMEngine's per-parameter init_weights report (a few lines per parameter) to a file
    with logged_to(osp.join(workspace, 'init_weights.log')):
        model = build_loaded(name, cfg, folder, VIT_FILE, depth)
    model = model.to(device).train()
    load_s = time.perf_counter() - t0
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return model, dict(load_s=load_s, params_m=params / 1e6, trainable_m=trainable / 1e6)
