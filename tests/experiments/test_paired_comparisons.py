"""Which comparisons are made from which runs, their numbers and verdicts, and the tables."""
import numpy as np
import pytest
import torch
from mmengine.fileio import dump

from mmvicokd.experiments.paired_comparisons import (PredictedRun, comparison_rows,
                                                     comparison_table, load_groups,
                                                     mechanism_rows, mechanism_table, verdict)

LABELS = [[1, 0], [0, 1], [1, 0], [0, 1]]


def write_run(path, seq_scores, ids=('r0', 'r1', 'r2', 'r3')):
    samples = []
    for rid, score, label in zip(ids, seq_scores, LABELS):
        samples.append(dict(recording_id=rid, pred_score=torch.tensor(score),
                            gt_label=torch.tensor(label),
                            pred_frame_score=torch.tensor([score]),
                            frame_label=torch.tensor([label])))
    dump(samples, str(path))
    return str(path)


PERFECT = [[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.4, 0.6]]
SWAPPED = [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]]  # r2 and r3 ranked wrong


def test_comparisons_pair_seeds_and_skip_missing_methods(tmp_path):
    runs = [PredictedRun('Student', 'V_F', s, write_run(tmp_path / f's{s}.pkl', SWAPPED))
            for s in (0, 1)]
    runs += [PredictedRun('ViCoKD', 'V_F', 0, write_run(tmp_path / 'v0.pkl', PERFECT)),
             PredictedRun('CoKD', 'V_S', 0, write_run(tmp_path / 'c0.pkl', PERFECT))]
    rows = comparison_rows(load_groups(runs), num_resamples=200)
    assert [(r['a'], r['b'], r['setting'], r['seeds']) for r in rows] == \
        [('ViCoKD', 'Student', 'V_F', 1)]  # only seed 0 is paired; CoKD V_S has no Student
    # Student: per class, ranked pos, neg, pos, neg -> AP (1 + 2/3) / 2 = 5/6; ViCoKD AP 1
    assert rows[0]['seq']['diff'] == pytest.approx(100 / 6)
    assert rows[0]['seq']['low'] >= 0.0
    table = comparison_table(rows)
    assert '| ViCoKD − Student | V_F | 1 | +16.67 [' in table


def test_each_run_is_resampled_once_however_many_comparisons_it_is_in(tmp_path, monkeypatch):
    from mmvicokd.experiments import paired_comparisons
    from mmvicokd.experiments.bootstrap import paired_difference, recording_draws
    calls = []
    real = paired_comparisons.map_replicates
    monkeypatch.setattr(paired_comparisons, 'map_replicates',
                        lambda run, draws: calls.append(1) or real(run, draws))
    runs = [PredictedRun(m, 'V_F', 0, write_run(tmp_path / f'{m}.pkl', scores))
            for m, scores in (('Student', SWAPPED), ('CoKD', PERFECT), ('ViCoKD', PERFECT))]
    groups = load_groups(runs)
    rows = comparison_rows(groups, num_resamples=50)
    # ViCoKD − Student, CoKD − Student, ViCoKD − CoKD: 3 runs x 2 levels resampled once each
    assert len(rows) == 3 and len(calls) == 6
    by_run = {r.method: groups[(r.method, 'V_F')][0] for r in runs}
    expected = paired_difference([by_run['ViCoKD'].level('seq')],
                                 [by_run['CoKD'].level('seq')], recording_draws(4, 50))
    assert rows[-1]['seq'] == pytest.approx(expected)


def test_verdict_needs_the_interval_to_exclude_zero():
    assert verdict(dict(low=0.1, high=2.0)) == 'a > b'
    assert verdict(dict(low=-2.0, high=-0.1)) == 'a < b'
    assert verdict(dict(low=-0.1, high=2.0)) == 'not resolved'


def test_load_groups_refuses_other_recordings_and_duplicates(tmp_path):
    a = write_run(tmp_path / 'a.pkl', PERFECT)
    b = write_run(tmp_path / 'b.pkl', PERFECT, ids=('x0', 'x1', 'x2', 'x3'))
    with pytest.raises(ValueError, match='other test recordings'):
        load_groups([PredictedRun('Student', 'V_F', 0, a), PredictedRun('CoKD', 'V_F', 0, b)])
    with pytest.raises(ValueError, match='both Student V_F seed 0'):
        load_groups([PredictedRun('Student', 'V_F', 0, a), PredictedRun('Student', 'V_F', 0, a)])


def test_mechanism_rows_without_view_readings_show_what_they_can(tmp_path):
    runs = [PredictedRun('Teacher', 'AV_F', 0, write_run(tmp_path / 't.pkl', PERFECT)),
            PredictedRun('Student', 'V_F', 0, write_run(tmp_path / 's.pkl', PERFECT))]
    rows = mechanism_rows(load_groups(runs), num_resamples=50)
    teacher, student = rows
    assert 'kl_teacher' not in teacher and 'js_covisible' not in student
    value, low, high = student['kl_teacher']
    assert value == pytest.approx(0.0, abs=1e-9) and low == pytest.approx(0.0, abs=1e-9)
    table = mechanism_table(rows)
    assert '| Teacher | AV_F | 1 | – | – | – | – |' in table
    assert np.isclose(high, 0.0)


def test_every_comparison_of_the_study_is_made_when_its_runs_exist(tmp_path):
    """The study's comparisons (tests/tools/test_demo.py trains the runs of a few), one row
    each per setting of its runs, with the seeds both sides have."""
    from mmvicokd.experiments.paired_comparisons import COMPARISONS
    settings = {}
    for a, b in COMPARISONS:
        setting = 'AV_F' if b == 'Teacher' else 'V_S'
        settings[a] = settings[b] = setting
    settings['Student'] = 'V_S'
    runs = [PredictedRun(method, setting, seed, write_run(tmp_path / f'{i}_{seed}.pkl',
                                                          (SWAPPED, PERFECT)[i % 2]))
            for i, (method, setting) in enumerate(sorted(settings.items())) for seed in (0, 1)]
    rows = comparison_rows(load_groups(runs), num_resamples=20)
    assert [(r['a'], r['b'], r['seeds']) for r in rows] == sorted(
        ((a, b, 2) for a, b in COMPARISONS), key=lambda ab: (settings[ab[1]] != 'AV_F',
                                                             COMPARISONS.index(ab[:2])))
    table = comparison_table(rows)
    for line in ('| ViCoKD − CoKD | V_S | 2 |', '| Teacher+VC − Teacher | AV_F | 2 |',
                 '| ViCoKD w/o Mask − ViCoKD | V_S | 2 |',
                 '| ViCoKD (VC×100) − ViCoKD | V_S | 2 |', '| ViCoKD+VFL − ViCoKD | V_S | 2 |'):
        assert line in table
