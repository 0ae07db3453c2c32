"""The optimizer wrapper of a training step in float32 or under bf16 autocast.

The configs' own optimizer (``optim_wrapper`` of the Home-1 configs: Adam, lr 1e-4, weight decay
5e-4). bf16 on a GPU is what ``tools/train.py --amp --cfg-options optim_wrapper.dtype=bfloat16``
builds: MMEngine's ``AmpOptimWrapper``, whose ``optim_context`` runs the forward under
``autocast`` (the backward runs outside it, with dynamic loss scaling). MMEngine refuses to build
that wrapper without a GPU, so on the CPU (``--device cpu``, for tests) :class:`CpuBf16OptimWrapper`
runs the same autocast context without the loss scaler, which bf16's float32-sized exponent
does not need.
"""
from contextlib import contextmanager

import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.runner.amp import autocast

from ...utils.package_configs import package_config
from ..speed.models import CONFIGS

PRECISIONS = ('bf16', 'fp32')


class CpuBf16OptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward context is bf16 autocast on the CPU (no loss scaling)."""

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        with super().optim_context(model), autocast(device_type='cpu', dtype=torch.bfloat16):
            yield


def config_optim_wrapper() -> dict:
    """``optim_wrapper`` of the teacher config (every Home-1 config has the same)."""
    return Config.fromfile(package_config(CONFIGS['teacher'])).optim_wrapper.to_dict()


def optim_wrapper(model: torch.nn.Module, precision: str,
                  device: torch.device) -> OptimWrapper:
    """A fresh optimizer wrapper for ``model`` in ``precision`` (``'bf16'`` or ``'fp32'``)."""
    if precision not in PRECISIONS:
        raise ValueError(f'precision must be one of {PRECISIONS}, got {precision!r}')
    cfg = config_optim_wrapper()
    if precision == 'bf16':
        if device.type == 'cuda':
            cfg.update(type='AmpOptimWrapper', dtype='bfloat16', loss_scale='dynamic')
        else:
            cfg['type'] = CpuBf16OptimWrapper
    return build_optim_wrapper(model, cfg)
