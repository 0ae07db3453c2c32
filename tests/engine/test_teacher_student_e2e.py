"""A tiny ViCoKD run through tools/train.py logs the teacher beside the student at every
validation (the same value: evaluated once) and the scheduled weights at every iteration; the
report's list of runs shows the teacher."""
import glob
import json
import os.path as osp
import runpy

import pytest

from mmvicokd.experiments.result_tables import runs_table
from mmvicokd.experiments.run_logs import load_run

from ..helpers.e2e import REPO, dump_config, save_random_teacher, tiny_config

pytestmark = pytest.mark.slow

CONFIG = 'configs/demo/vicokd_multiasl_synthetic_v_f.py'


def logged(work_dir: str) -> list:
    records = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f]
    return records


def test_distiller_run_logs_teacher_metrics_and_scheduled_weights(tiny_synthetic, tmp_path):
    root, cache = tiny_synthetic
    cfg = tiny_config(CONFIG, root, str(tmp_path / 'work'), cache, epochs=2)
    cfg.model['teacher_ckpt'] = save_random_teacher(cfg, str(tmp_path / 'teacher.pth'))
    cfg.train_cfg['val_interval'] = 1
    # 4 training recordings, 2 a batch: iterations 0-1 in epoch 0, 2-3 in epoch 1
    cfg.model['loss_schedules'] = dict(fd=dict(warmup_iters=2), vc=dict(stop_epoch=1))
    path = dump_config(cfg, str(tmp_path / 'cfg.py'))
    runpy.run_path(osp.join(REPO, 'tools', 'train.py'), run_name='mmvicokd_test')['main']([path])

    records = logged(cfg.work_dir)
    train = [r for r in records if 'weight.fd' in r]
    assert [r['weight.fd'] for r in train] == [0.0, 0.5, 1.0, 1.0]
    assert [r['weight.vc'] for r in train] == [1.0, 1.0, 0.0, 0.0]
    assert train[0]['distill.fd'] == 0.0 and train[-1]['distill.fd'] > 0  # per-iteration values
    val = [r for r in records if 'seq_mAP' in r]
    assert [r['step'] for r in val] == [1, 2]
    for key in ('teacher/seq_mAP', 'teacher/frame_mAP'):
        assert 0.0 <= val[0][key] <= 100.0
        assert val[1][key] == pytest.approx(val[0][key]), key  # the same frozen teacher

    record = load_run(cfg.work_dir)
    assert record.metrics['teacher/seq_mAP'] == val[-1]['teacher/seq_mAP']
    header, _, row = runs_table([record]).splitlines()
    assert '| teacher seq_mAP | teacher frame_mAP |' in header
    assert f"| {val[-1]['teacher/seq_mAP']:.2f} | {val[-1]['teacher/frame_mAP']:.2f} |" in row
