"""Resume and determinism: a run interrupted after epoch 1 and resumed with ``--resume`` ends
with bit-identical weights and test mAP to an uninterrupted run (CPU), for a teacher SIGKILLed
while it writes its second checkpoint and for a distiller stopped after epoch 1; two 1-epoch
runs of one config and seed are bit-identical (the demo table is reproducible).

The configs are the demo's (``configs/demo/``), shrunk by ``e2e.tiny_config`` (2 epochs, frame
cache, tiny encoders). Dropout is active and training frames are randomly sampled, so the test
needs ``EpochSeedHook`` (added by tools/train.py): without it (MMEngine's Runner alone) the
resumed epoch draws other dropout masks and frame offsets, and all 64 weight tensors differ.
"""
import glob
import os.path as osp

import pytest
import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from ..helpers.e2e import dump_config, tiny_config
from .test_train_test import tool

pytestmark = pytest.mark.slow

EPOCHS = 2
TEACHER = 'configs/demo/teacher_multiasl_synthetic_av_f.py'
DISTILLER = 'configs/demo/vicokd_multiasl_synthetic_v_s.py'


@HOOKS.register_module(force=True)
class StopAfterEpochHook(Hook):
    """Stops training after ``epoch`` epochs, as an interrupted run would (test only)."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def after_train_epoch(self, runner) -> None:
        if runner.epoch + 1 >= self.epoch:
            runner.train_loop.stop_training = True


def _config(rel, tiny_synthetic, tmp_path, name, stop_after=None, **kwargs):
    root, cache = tiny_synthetic
    cfg = tiny_config(rel, root, str(tmp_path / name), cache, epochs=EPOCHS, **kwargs)
    cfg.default_hooks.checkpoint.max_keep_ckpts = EPOCHS  # keep epoch_1 for the 1-epoch check
    if stop_after is not None:
        cfg.custom_hooks = [dict(type='StopAfterEpochHook', epoch=stop_after)]
    return dump_config(cfg, str(tmp_path / f'{name}.py'))


def _weights(path):
    return torch.load(path, map_location='cpu', weights_only=True)['state_dict']


def _test(config, ckpt, work_dir):
    return tool('test.py')([config, ckpt, '--work-dir', work_dir])


def _runs(rel, tiny_synthetic, tmp_path, **kwargs):
    """Uninterrupted 2-epoch run, and a run stopped after epoch 1 then resumed."""
    full = _config(rel, tiny_synthetic, tmp_path, 'full', **kwargs)
    tool('train.py')([full])
    stopped = _config(rel, tiny_synthetic, tmp_path, 'resumed', stop_after=1, **kwargs)
    tool('train.py')([stopped])
    assert sorted(osp.basename(p) for p in glob.glob(str(tmp_path / 'resumed' / '*.pth'))) \
        == ['epoch_1.pth']
    resumed = _config(rel, tiny_synthetic, tmp_path, 'resumed', **kwargs)
    tool('train.py')([resumed, '--resume'])
    return {name: dict(config=config, work_dir=str(tmp_path / name))
            for name, config in (('full', full), ('resumed', resumed))}


def _check_identical(runs, tmp_path):
    full, resumed = runs['full'], runs['resumed']
    for epoch in (1, EPOCHS):  # epoch 1: two 1-epoch runs of one config and seed
        a = _weights(osp.join(full['work_dir'], f'epoch_{epoch}.pth'))
        b = _weights(osp.join(resumed['work_dir'], f'epoch_{epoch}.pth'))
        assert a.keys() == b.keys()
        different = [k for k in a if not torch.equal(a[k], b[k])]
        assert not different, (epoch, different[:5])
        metrics = [_test(run['config'], osp.join(run['work_dir'], f'epoch_{epoch}.pth'),
                         str(tmp_path / f'test_{name}_{epoch}'))
                   for name, run in (('full', full), ('resumed', resumed))]
        assert list(metrics[0])[:2] == ['seq_mAP', 'frame_mAP']
        assert metrics[0] == metrics[1], epoch


@pytest.fixture(scope='module')
def teacher_full(tiny_synthetic, tmp_path_factory):
    """The teacher's uninterrupted 2-epoch run (``config``, ``work_dir``)."""
    tmp_path = tmp_path_factory.mktemp('teacher_resume')
    config = _config(TEACHER, tiny_synthetic, tmp_path, 'full')
    tool('train.py')([config])
    return dict(config=config, work_dir=str(tmp_path / 'full'))


def test_teacher_killed_while_saving_a_checkpoint_resumes_bit_identical(
        teacher_full, tiny_synthetic, tmp_path):
    from .test_atomic_writes import run_killed
    config = _config(TEACHER, tiny_synthetic, tmp_path, 'killed')
    run_killed('.pth', 2, 'train.py', config)  # SIGKILL while epoch_2.pth is written
    work_dir = tmp_path / 'killed'
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['epoch_1.pth']
    partial = list(work_dir.glob('epoch_2.pth.tmp-*'))  # never named epoch_2.pth
    assert len(partial) == 1
    with pytest.raises(Exception):
        torch.load(partial[0], weights_only=True)
    assert (work_dir / 'last_checkpoint').read_text().endswith('epoch_1.pth')
    tool('train.py')([config, '--resume'])
    _check_identical(dict(full=teacher_full, resumed=dict(config=config,
                                                          work_dir=str(work_dir))), tmp_path)


def test_distiller_resume_is_bit_identical(teacher_full, tiny_synthetic, tmp_path):
    teacher_ckpt = osp.join(teacher_full['work_dir'], f'epoch_{EPOCHS}.pth')
    _check_identical(_runs(DISTILLER, tiny_synthetic, tmp_path, teacher_ckpt=teacher_ckpt),
                     tmp_path)


class _Payload:
    """Pickles as a call of ``Path.touch``: loading it with pickle creates ``marker``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import pathlib
        return pathlib.Path.touch, (pathlib.Path(self.marker),)


def test_checkpoints_load_with_weights_only(teacher_full, tmp_path):
    """A checkpoint that would run code when unpickled is refused by tools/test.py (MMEngine's
    loader), by ``--resume`` and by the distiller's teacher loader; the code never runs."""
    from mmvicokd.models.distillers.checkpoint import read_checkpoint
    full = teacher_full
    good = torch.load(osp.join(full['work_dir'], f'epoch_{EPOCHS}.pth'), weights_only=True)
    marker = tmp_path / 'code_ran'
    bad = str(tmp_path / 'epoch_1.pth')
    torch.save(dict(good, payload=_Payload(str(marker))), bad)
    with pytest.raises(Exception, match='Weights only load failed'):
        _test(full['config'], bad, str(tmp_path / 'test'))
    with pytest.raises(RuntimeError, match=f'cannot read checkpoint .*{bad}'):
        read_checkpoint(bad, 'teacher_ckpt')
    (tmp_path / 'last_checkpoint').write_text(bad)
    with pytest.raises(Exception, match='Weights only load failed'):
        tool('train.py')([full['config'], '--work-dir', str(tmp_path), '--resume'])
    assert not marker.exists()
