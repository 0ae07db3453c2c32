"""tools/train.py says the real total batch: ``batch_size`` is per process, 12 is the total."""
import os.path as osp
import runpy

from mmengine.config import Config

from ..helpers.e2e import REPO


def report_total_batch():
    return runpy.run_path(osp.join(REPO, 'tools', 'train.py'),
                          run_name='mmvicokd_test')['report_total_batch']


def _cfg(batch_size, enable=False):
    return Config(dict(train_dataloader=dict(batch_size=batch_size),
                       auto_scale_lr=dict(enable=enable, base_batch_size=12)))


def test_paper_batch_on_one_gpu_says_nothing_more():
    assert report_total_batch()(_cfg(12), 1) == \
        'total batch 12 = 1 process(es) x batch_size 12'


def test_eight_gpus_with_the_paper_batch_per_gpu_is_flagged():
    line = report_total_batch()(_cfg(12), 8)
    assert line.startswith('total batch 96 = 8 process(es) x batch_size 12')
    assert 'set for a total batch of 12' in line and '--auto-scale-lr' in line


def test_auto_scale_lr_is_named_when_on():
    line = report_total_batch()(_cfg(12, enable=True), 8)
    assert line.endswith('scaled by auto_scale_lr')


def test_configs_scale_by_the_paper_total():
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'vicokd_multiasl_home1.py'))
    assert cfg.auto_scale_lr == dict(enable=False, base_batch_size=12)
    assert cfg.default_hooks.checkpoint.save_best is None


def test_the_hint_is_a_whole_batch_size():
    assert 'set batch_size to 3 (total 12)' in report_total_batch()(_cfg(12), 4)
    line = report_total_batch()(_cfg(12), 8)
    assert '12 / 8 processes is no whole batch_size' in line and '1.5' not in line
