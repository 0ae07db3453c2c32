"""Paper Fig. 3's curves: one panel per setting, one line per method, a band over seeds."""
import numpy as np
import pytest

from mmvicokd.experiments.curves import curves_figure
from mmvicokd.experiments.run_info import RunInfo
from mmvicokd.experiments.run_logs import RunRecord
from mmvicokd.experiments.seed_summary import summarise_runs


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
