"""Reading MMEngine work dirs: metrics precedence, resumed curves, folders of runs."""
import json
import os

import pytest

from mmvicokd.experiments.run_logs import (expand_work_dirs, final_metrics, load_run,
                                           validation_curve)

CONFIG = """model = dict(type='MultiViewAVRecognizer', fusion=dict(type='MultiASL'),
             adapter=dict(type='CrossModalAdapter'), supervision='frame')
randomness = dict(seed=3)
test_dataloader = dict(dataset=dict(data_root='data/synthetic/Home1'))
"""


def write_run(work_dir, stamp, scalars=(), test=None, config=CONFIG):
    """One Runner start: <stamp>/vis_data/{config.py,scalars.json} [+ <stamp>/<stamp>.json]."""
    vis = os.path.join(work_dir, stamp, 'vis_data')
    os.makedirs(vis)
    with open(os.path.join(vis, 'config.py'), 'w') as f:
        f.write(config)
    with open(os.path.join(vis, 'scalars.json'), 'w') as f:
        f.writelines(json.dumps(record) + '\n' for record in scalars)
    if test is not None:
        with open(os.path.join(work_dir, stamp, stamp + '.json'), 'w') as f:
            f.write(json.dumps(test) + '\n')


def val(step, seq, frame):
    return dict(seq_mAP=seq, frame_mAP=frame, data_time=0.1, time=0.2, step=step)


def test_curve_merges_resumed_runs_and_metrics_precedence(tmp_path):
    work = str(tmp_path / 'run')
    write_run(work, '20260101_000000', [dict(lr=1e-3, loss=2.0, epoch=1, iter=1, step=1),
                                        val(1, 10.0, 5.0), val(2, 20.0, 6.0)])
    # resumed from epoch 2: epoch 2 again, then 3
    write_run(work, '20260102_000000', [val(2, 21.0, 6.5), val(3, 30.0, 7.0)])
    curve = validation_curve(work)
    assert curve == {1: dict(seq_mAP=10.0, frame_mAP=5.0), 2: dict(seq_mAP=21.0, frame_mAP=6.5),
                     3: dict(seq_mAP=30.0, frame_mAP=7.0)}
    assert final_metrics(work, curve) == (dict(seq_mAP=30.0, frame_mAP=7.0),
                                          'validation, epoch 3')
    write_run(work, '20260103_000000', test=dict(seq_mAP=31.5, frame_mAP=8.0, time=0.1))
    assert final_metrics(work, curve) == (dict(seq_mAP=31.5, frame_mAP=8.0),
                                          os.path.join('20260103_000000', '20260103_000000.json'))
    with open(os.path.join(work, 'test_metrics.json'), 'w') as f:
        json.dump(dict(seq_mAP=40.0, frame_mAP=9.0), f)
    record = load_run(work)
    assert record.metrics == dict(seq_mAP=40.0, frame_mAP=9.0)
    assert record.source == 'test_metrics.json'
    assert (record.info.method, record.info.setting, record.info.seed) == ('Student', 'V_F', 3)
    assert record.config_file.endswith(os.path.join('20260103_000000', 'vis_data', 'config.py'))


def test_expand_parent_folder_and_errors(tmp_path):
    write_run(str(tmp_path / 'all' / 'a'), '20260101_000000', [val(1, 1.0, 1.0)])
    write_run(str(tmp_path / 'all' / 'b'), '20260101_000000', [val(1, 2.0, 1.0)])
    os.makedirs(tmp_path / 'all' / 'demo')  # e.g. work_dirs/demo: tables only
    runs, skipped = expand_work_dirs([str(tmp_path / 'all')])
    assert [os.path.basename(r) for r in runs] == ['a', 'b']
    assert [os.path.basename(s) for s in skipped] == ['demo']
    with pytest.raises(ValueError, match='is not an MMEngine work dir'):
        expand_work_dirs([str(tmp_path / 'all' / 'demo')])
    with pytest.raises(FileNotFoundError, match='does not exist'):
        expand_work_dirs([str(tmp_path / 'nothing')])
    empty = str(tmp_path / 'empty')
    write_run(empty, '20260101_000000', [dict(lr=1.0, step=1)])
    with pytest.raises(ValueError, match='no metrics'):
        load_run(empty)
    broken = str(tmp_path / 'broken')
    write_run(broken, '20260101_000000')
    with open(os.path.join(broken, '20260101_000000', 'vis_data', 'scalars.json'), 'w') as f:
        f.write('{"step": 1\n')
    with pytest.raises(ValueError, match='scalars.json, line 1: not JSON'):
        validation_curve(broken)
