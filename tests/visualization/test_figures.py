"""Figures: attention grid geometry, timeline, curves with a seed band; atomic writes."""
import os

import numpy as np
import pytest
from matplotlib.image import imread

from mmvicokd.experiments.run_info import RunInfo
from mmvicokd.experiments.run_logs import RunRecord
from mmvicokd.experiments.seed_summary import summarise_runs
from mmvicokd.utils.atomic_files import write_text
from mmvicokd.visualization.atomic_output import save_figure
from mmvicokd.visualization.attention_figure import (DPI, attention_grid_figure,
                                                     figure_inches, normalise_map)
from mmvicokd.visualization.curves import curves_figure
from mmvicokd.visualization.timeline import timeline_figure


def test_attention_grid_size_follows_the_grid(tmp_path):
    rng = np.random.default_rng(0)
    images = [[rng.integers(0, 255, (24, 32, 3), dtype=np.uint8) for _ in range(3)]
              for _ in range(2)]
    maps = [[rng.random((3, 4)) for _ in range(3)] for _ in range(2)]
    fig = attention_grid_figure(images, maps, ['A', 'B'], ['v1', 'v2', 'v3'], 'title')
    path = save_figure(fig, str(tmp_path / 'grid.png'), dpi=DPI)
    width, height = figure_inches(2, 3)
    assert imread(path).shape[:2] == (round(height * DPI), round(width * DPI))
    with pytest.raises(ValueError, match='do not agree'):
        attention_grid_figure(images, maps[:1], ['A', 'B'], ['v1', 'v2', 'v3'], 't')
    np.testing.assert_allclose(normalise_map(np.array([[1.0, 3.0]])), [[0.0, 1.0]])
    assert not normalise_map(np.ones((2, 2))).any()


def test_timeline_and_atomic_writes(tmp_path):
    scores = np.linspace(0, 1, 30 * 4).reshape(30, 4)
    fig = timeline_figure(np.arange(30) / 2.5, scores, scores.max(0), list('abcd'), 'rec')
    path = save_figure(fig, str(tmp_path / 'out' / 't.png'))
    assert imread(path)[..., :3].std() > 0.05
    assert os.listdir(tmp_path / 'out') == ['t.png']  # no temporary file left behind
    with pytest.raises(ValueError, match='do not match'):
        timeline_figure(np.arange(29) / 2.5, scores, scores.max(0), list('abcd'), 'rec')
    target = str(tmp_path / 'keep.md')
    write_text(target, 'old')

    class Boom(Exception):
        pass

    class Failing:
        def savefig(self, *args, **kwargs):
            raise Boom()

    with pytest.raises(Boom):
        save_figure(Failing(), target)
    with open(target) as f:
        assert f.read() == 'old'  # a failed write leaves the previous file
    assert sorted(os.listdir(tmp_path)) == ['keep.md', 'out']


def test_curves_panels_and_errors(tmp_path):
    def run(method, setting, seed, values):
        return RunRecord(f'w{method}{setting}{seed}', 'c.py',
                         RunInfo(method, setting, 'MultiASL', 'd/Home1', seed),
                         dict(seq_mAP=values[-1], frame_mAP=1.0), 'x',
                         {e + 1: dict(seq_mAP=v, frame_mAP=1.0) for e, v in enumerate(values)})

    records = [run('Teacher', 'AV_F', 0, [50, 60]), run('Student', 'V_F', 0, [30, 40]),
               run('Student', 'V_F', 1, [32, 44]), run('ViCoKD', 'V_S', 0, [20, 50])]
    fig = curves_figure(summarise_runs(records))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ['Home1 MultiASL: AV_F → V_F',
                                                 'Home1 MultiASL: AV_F → V_S']
    labels = [line.get_label() for line in panels[0].get_lines()]
    assert labels == ['Teacher (AV_F)', 'Student']
    np.testing.assert_allclose(panels[0].get_lines()[1].get_ydata(), [31, 42])
    assert panels[0].collections  # the ± std band of the two Student seeds
    no_curve = [RunRecord('w', 'c.py', RunInfo('Student', 'V_F', 'MultiASL', '', 0),
                          dict(seq_mAP=1.0, frame_mAP=1.0), 'x', {})]
    with pytest.raises(ValueError, match='no run logged a validation entry'):
        curves_figure(summarise_runs(no_curve))
