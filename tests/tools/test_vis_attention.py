"""tools/vis_attention.py: teacher, Student and ViCoKD rows on a tiny synthetic recording."""
import numpy as np
import pytest

from mmvicokd.visualization.attention_figure import DPI, figure_inches

from ..helpers.trained_runs import tool, trained_runs


@pytest.fixture(scope='module')
def runs(tiny_synthetic, tmp_path_factory):
    return trained_runs(tiny_synthetic, tmp_path_factory)


def test_vis_attention_grid_of_three_models(runs, tmp_path):
    """Rows: a recognizer with audio, a recognizer checkpoint and a distiller checkpoint;
    columns: 5 views at 2 frames."""
    out = str(tmp_path / 'attention.png')
    models = [path for name in ('teacher', 'student', 'vicokd')
              for path in (runs[name]['config'], runs[name]['ckpt'])]
    tool('vis_attention.py')([*models, '--recording', runs['test_ids'][0], '--frames', '2', '9',
                              '--out', out])
    from matplotlib.image import imread
    image = imread(out)
    width, height = figure_inches(rows=3, cols=5 * 2)
    assert image.shape[:2] == (round(height * DPI), round(width * DPI))
    assert image[..., :3].std() > 0.05
    # each cell shows its own map: the 30 cells are not all the same picture
    cells = image[..., :3].reshape(-1)
    assert len(np.unique(cells)) > 100


def test_vis_attention_clear_errors(runs, tmp_path):
    student = [runs['student']['config'], runs['student']['ckpt']]
    out = str(tmp_path / 'x.png')
    with pytest.raises(SystemExit, match="recording 'nope' is not in"):
        tool('vis_attention.py')([*student, '--recording', 'nope', '--out', out])
    with pytest.raises(SystemExit, match=r'frames \[999\] are outside'):
        tool('vis_attention.py')([*student, '--recording', runs['test_ids'][0], '--frames',
                                  '999', '--out', out])
    with pytest.raises(SystemExit, match='does not fit the recognizer'):
        tool('vis_attention.py')([runs['student']['config'], runs['teacher']['ckpt'],
                                  '--recording', runs['test_ids'][0], '--out', out])
