"""tools/analysis_tools/feature_gaps.py on the tiny trained runs, and its maths by hand."""
import json
import os.path as osp
import runpy

import pytest
import torch

from mmvicokd.experiments.feature_gaps import GAPS, feature_gap_sums

from ..helpers.e2e import REPO
from ..helpers.trained_runs import trained_runs

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def runs(tiny_synthetic, tmp_path_factory):
    return trained_runs(tiny_synthetic, tmp_path_factory)


def tool():
    return runpy.run_path(osp.join(REPO, 'tools', 'analysis_tools', 'feature_gaps.py'),
                          run_name='mmvicokd_test')['main']


def test_feature_gap_sums_by_hand():
    teacher = dict(attn=torch.zeros(2, 3, 4, 5), av=torch.ones(2, 3, 4, 5),
                   audio=torch.ones(2, 3, 4, 5))
    student = dict(attn=torch.full((2, 3, 4, 5), 2.0), av=torch.ones(2, 3, 4, 5),
                   audio=-torch.ones(2, 3, 4, 5))
    student['audio'][1, :, :, 0] = 0.0
    sums = feature_gap_sums(student, teacher)
    assert torch.allclose(sums['fd_attn'], torch.full((2,), 4.0 * 12))  # (2 - 0)^2, 12 (v, t)
    assert torch.allclose(sums['fd_av'], torch.zeros(2))
    # sample 0: audio exactly opposite, cos = -1 at each of the 12 (v, t)
    # sample 1: (0, -1, -1, -1, -1) against (1, 1, 1, 1, 1): cos = -4 / (2 * sqrt(5))
    expected = torch.tensor([-12.0, 12 * -4 / (2 * 5 ** 0.5)])
    assert torch.allclose(sums['adapter_cos'], expected, atol=1e-5)
    with pytest.raises(ValueError, match='student attn'):
        feature_gap_sums(dict(student, attn=torch.zeros(2, 3, 4, 6)), teacher)


def test_feature_gaps_of_a_distiller_and_of_a_student_trained_alone(runs, tmp_path):
    out = tool()([runs['vicokd']['config'], runs['vicokd']['ckpt'], '--out',
                  str(tmp_path / 'vicokd.json')])
    with open(out) as f:
        gaps = json.load(f)
    assert sorted(gaps) == sorted(runs['test_ids'])
    for stats in gaps.values():
        assert sorted(stats) == sorted(GAPS)
        for total, count in stats.values():
            assert count > 0 and total == total  # not NaN
        assert abs(stats['adapter_cos'][0]) <= stats['adapter_cos'][1] + 1e-4
        assert stats['fd_attn'][0] >= 0
    with pytest.raises(SystemExit, match='trained alone.*--teacher-config'):
        tool()([runs['student']['config'], runs['student']['ckpt']])
    out = tool()([runs['student']['config'], runs['student']['ckpt'], '--teacher-config',
                  runs['teacher']['config'], '--teacher-ckpt', runs['teacher']['ckpt'], '--out',
                  str(tmp_path / 'student.json')])
    with open(out) as f:
        assert sorted(json.load(f)) == sorted(runs['test_ids'])
