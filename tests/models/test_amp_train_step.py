"""The AMP path (tools/train.py --amp -> AmpOptimWrapper) with activation checkpointing: one
bf16-autocast training step each of a teacher, a student and the ViCoKD distiller on CPU.

MMEngine's AmpOptimWrapper refuses to be built without CUDA; the test lifts that check only
(its GradScaler then disables itself on CPU, as bf16 needs no loss scaling), so the wrapper's
own autocast context and step run as on a GPU.
"""
import copy
import os.path as osp
import runpy

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mmaction.registry import MODELS

from .recognizers.test_multiview_av_recognizer import model_cfg, make_batch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(autouse=True)
def cpu_amp(monkeypatch):
    import mmengine.optim.optimizer.amp_optimizer_wrapper as amp
    monkeypatch.setattr(amp, 'is_cuda_available', lambda: True)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def with_cp(cfg: dict) -> dict:
    cfg = copy.deepcopy(cfg)
    for key in ('visual_encoder', 'audio_encoder'):
        if cfg.get(key):
            cfg[key]['with_cp'] = True
    return cfg


MODELS_UNDER_TEST = {
    'teacher': with_cp(model_cfg('MultiASL', 'teacher')),
    'student': with_cp(model_cfg('MultiTSF', 'student_VS')),
    'vicokd': dict(type='ViCoKDDistiller',
                   student=with_cp(model_cfg('MultiASL', 'student_VF',
                                             consistency_loss=dict(type='ViewConsistencyLoss'))),
                   teacher=model_cfg('MultiASL', 'teacher'), teacher_ckpt='unused.pth',
                   distill_losses=dict(
                       fd=dict(type='FeatureDistillLoss', features=('attn', 'av')),
                       ld=dict(type='LogitDistillLoss', tau=4.0))),
}


def amp_optim_wrapper(model):
    """What tools/train.py --amp makes of the schedule's optim_wrapper, in bf16."""
    train = runpy.run_path(osp.join(REPO, 'tools', 'train.py'), run_name='test')
    args = train['parse_args'](['unused.py', '--amp'])
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='Adam', lr=1e-3))))
    cfg = train['merge_args'](cfg, args)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    cfg.optim_wrapper.dtype = 'bfloat16'  # CPU autocast runs bf16 only
    return build_optim_wrapper(model, cfg.optim_wrapper)


@pytest.mark.parametrize('name', list(MODELS_UNDER_TEST))
def test_one_bf16_step_with_checkpointing(name):
    torch.manual_seed(0)
    model = MODELS.build(MODELS_UNDER_TEST[name])
    optim = amp_optim_wrapper(model)
    assert type(optim).__name__ == 'AmpOptimWrapper' and optim.cast_dtype == torch.bfloat16
    recognizer = getattr(model, 'student', model)
    seen = []
    recognizer.fusion.register_forward_hook(
        lambda module, args, out: seen.append(out['frame_logits'].dtype))
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    trainable = {k for k, v in model.named_parameters() if v.requires_grad}
    log_vars = model.train_step(make_batch(), optim)
    assert seen == [torch.bfloat16]  # the wrapper's autocast was on
    assert recognizer.visual_encoder.model.grad_checkpointing
    assert torch.isfinite(log_vars['loss'])
    # the networks ran in bf16, every loss in float32 (models/losses/precision.py)
    assert {k: v.dtype for k, v in log_vars.items()} == dict.fromkeys(log_vars, torch.float32)
    if name == 'vicokd':
        assert {'distill.fd', 'distill.ld', 'loss_vc'} <= set(log_vars)
        assert all(torch.equal(v, before[k]) for k, v in model.named_parameters()
                   if k.startswith('teacher.'))
    changed = [k for k, v in model.named_parameters() if not torch.equal(v, before[k])]
    assert set(changed) <= trainable
    assert any(k.startswith(('visual_encoder', 'student.visual_encoder')) for k in changed)
    assert len(changed) > 0.5 * len(trainable)
