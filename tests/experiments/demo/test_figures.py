"""The demo's figures and calibrated frame F1 from tiny trained runs (Teacher, Student, ViCoKD)."""
import json
import os
import os.path as osp
import shutil

import numpy as np
import pytest
from matplotlib.image import imread
from mmengine.config import Config

from mmvicokd.apis.recording_source import dataset_recording
from mmvicokd.datasets.functional import frame_labels
from mmvicokd.experiments.cross_fitted_f1 import cross_fitted_f1
from mmvicokd.experiments.demo import figures
from mmvicokd.experiments.predictions import PREDICTIONS_FILE, load_predictions
from mmvicokd.experiments.run_logs import run_config_file
from mmvicokd.utils.frame_runs import frame_runs
from mmvicokd.visualization import atomic_output
from mmvicokd.visualization.attention_figure import DPI, figure_inches

from ...helpers.trained_runs import EPOCHS, tool, trained_runs


@pytest.fixture(scope='module')
def work_dirs(tiny_synthetic, tmp_path_factory):
    """Copies of the Student and ViCoKD runs (ViCoKD's test predictions dumped as the demo
    keeps them) and a finished-looking Teacher run of the untrained teacher."""
    runs = trained_runs(tiny_synthetic, tmp_path_factory)
    base = str(tmp_path_factory.mktemp('demo_runs'))
    teacher = osp.join(base, 'teacher')
    os.makedirs(osp.join(teacher, '20260101_000000', 'vis_data'))
    shutil.copy(runs['teacher']['config'],
                osp.join(teacher, '20260101_000000', 'vis_data', 'config.py'))
    shutil.copy(runs['teacher']['ckpt'], osp.join(teacher, f'epoch_{EPOCHS}.pth'))
    with open(osp.join(teacher, 'test_metrics.json'), 'w') as f:
        json.dump(dict(seq_mAP=50.0, frame_mAP=40.0), f)
    copies = {name: shutil.copytree(runs[name]['work_dir'], osp.join(base, name))
              for name in ('student', 'vicokd')}
    tool('test.py')([runs['vicokd']['config'], osp.join(copies['vicokd'], f'epoch_{EPOCHS}.pth'),
                     '--work-dir', osp.join(base, 'vicokd_test'), '--dump',
                     osp.join(copies['vicokd'], PREDICTIONS_FILE)])
    return [teacher, copies['student'], copies['vicokd']]


def test_draw_demo_figures(work_dirs, tmp_path, monkeypatch):
    drawn = {}
    save = atomic_output.save_figure

    def keep(fig, path, **kwargs):
        drawn[osp.basename(path)] = fig
        return save(fig, path, **kwargs)
    monkeypatch.setattr(atomic_output, 'save_figure', keep)
    written = figures.draw_demo_figures(work_dirs, str(tmp_path))
    assert written == {name: str(tmp_path / f'{name}.png')
                       for name in ('curves', 'attention', 'timeline')}
    width, height = figure_inches(rows=3, cols=5)  # teacher, Student, ViCoKD x 5 views
    assert imread(written['attention']).shape[:2] == (round(height * DPI), round(width * DPI))
    for path in written.values():
        assert imread(path)[..., :3].std() > 0.05  # not blank

    predictions = load_predictions(osp.join(work_dirs[2], PREDICTIONS_FILE))
    chosen = predictions.ids[int(np.argmax(predictions.seq_labels.sum(1)))]
    timeline = drawn['timeline.png']
    assert f'on test recording {chosen}' in timeline.axes[0].get_title()
    # the ground truth of that recording, from the run's annotation file, outlined run by run
    tricks = dataset_recording(Config.fromfile(run_config_file(work_dirs[2])), chosen)['tricks']
    codes = timeline.axes[1].images[0].get_array()  # (C, T_full)
    truth = frame_labels(tricks, codes.shape[1], codes.shape[0])
    assert len([p for p in timeline.axes[1].patches if p.get_gid() == 'truth']) == \
        sum(len(frame_runs(truth[:, c])) for c in range(codes.shape[0])) > 0
    np.testing.assert_array_equal(codes > 0, (codes > 0) | truth.T.astype(bool))
    assert 'score / class threshold' in timeline.axes[2].get_ylabel()


def test_demo_frame_f1(work_dirs):
    rows = figures.demo_frame_f1(work_dirs[2:])
    expected = cross_fitted_f1(load_predictions(osp.join(work_dirs[2], PREDICTIONS_FILE)))
    assert [(r['method'], r['setting']) for r in rows] == [('ViCoKD', 'V_F')]
    for key in ('frame_F1', 'frame_precision', 'frame_recall'):
        assert rows[0][key] == pytest.approx(expected[key])
    assert 'leave-one-recording-out' in rows[0]['calibration']
    with pytest.raises(FileNotFoundError, match='no test predictions'):
        figures.demo_frame_f1(work_dirs[:1])
