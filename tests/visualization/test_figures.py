"""Figures: attention grid geometry, timeline; atomic writes."""
import os

import numpy as np
import pytest
from matplotlib.image import imread

from mmvicokd.utils.atomic_files import write_text
from mmvicokd.visualization.atomic_output import save_figure
from mmvicokd.visualization.attention_figure import (DPI, attention_grid_figure,
                                                     figure_inches, normalise_map)
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
