"""tools/report.py on two tiny trained runs (a Student and a ViCoKD, tiny synthetic set)."""
import glob
import json
import os
import os.path as osp
import shutil

import numpy as np
import pytest

from ..helpers.trained_runs import tool, trained_runs

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def runs(tiny_synthetic, tmp_path_factory):
    return trained_runs(tiny_synthetic, tmp_path_factory)


def logged_metrics(work_dir):
    """The metrics of the run's MMEngine test log (<timestamp>/<timestamp>.json)."""
    logs = [p for p in glob.glob(osp.join(work_dir, '*', '*.json'))
            if osp.basename(p)[:-5] == osp.basename(osp.dirname(p))]
    with open(sorted(logs)[-1]) as f:
        return json.load(f)


def section(text: str, title: str) -> list:
    """Lines of ``text`` from heading ``title`` to the next ``## `` heading."""
    lines = text.splitlines()
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith('## ')),
               len(lines))
    return lines[start:end]


def test_report_tables_and_curves_of_two_runs(runs, tmp_path):
    with open(osp.join(runs['student']['work_dir'], 'test_metrics.json')) as f:
        student = json.load(f)
    vicokd = logged_metrics(runs['vicokd']['work_dir'])
    out = str(tmp_path / 'report')
    written = tool('report.py')([runs['student']['work_dir'], runs['vicokd']['work_dir'],
                                 '--out', out])
    assert sorted(written) == ['curves.png', 'table1.md']  # no VC teacher, no ablation
    with open(osp.join(out, 'table1.md')) as f:
        text = f.read()
    assert '# Table 1: distillation methods (MultiASL)' in text
    for title, key in (('## Sequence-level mAP (%)', 'seq_mAP'),
                       ('## Frame-level mAP (%)', 'frame_mAP')):
        rows = section(text, title)
        assert '| Method | AV_F → V_F |' in rows
        assert f'| Student | {student[key]:.2f} |' in rows
        delta = vicokd[key] - student[key]
        assert f'| ViCoKD | {vicokd[key]:.2f} ({delta:+.2f}) |' in rows
    assert text.index('## Sequence-level') < text.index('## Frame-level')
    assert 'test_metrics.json' in text  # the runs list says where each number came from

    from matplotlib.image import imread
    image = imread(osp.join(out, 'curves.png'))
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert image[..., :3].std() > 0.05  # not blank


def test_report_mean_and_std_over_seeds(runs, tmp_path):
    """A copy of the Student run with seed 1 and other numbers: mean ± sample std, n=2."""
    copy = str(tmp_path / 'student_seed1')
    shutil.copytree(runs['student']['work_dir'], copy)
    for config in glob.glob(osp.join(copy, '*', 'vis_data', 'config.py')):
        with open(config) as f:
            text = f.read()
        assert 'seed=0' in text
        with open(config, 'w') as f:
            f.write(text.replace('seed=0', 'seed=1'))
    with open(osp.join(runs['student']['work_dir'], 'test_metrics.json')) as f:
        first = json.load(f)
    second = dict(seq_mAP=first['seq_mAP'] - 10.0, frame_mAP=first['frame_mAP'] + 4.0)
    with open(osp.join(copy, 'test_metrics.json'), 'w') as f:
        json.dump(second, f)
    out = str(tmp_path / 'report')
    os.makedirs(out)
    with open(osp.join(out, 'table4.md'), 'w') as f:
        f.write('an earlier report with ablations')
    tool('report.py')([runs['student']['work_dir'], copy, '--out', out])
    assert not osp.exists(osp.join(out, 'table4.md'))  # no ablation among these runs
    with open(osp.join(out, 'table1.md')) as f:
        text = f.read()
    assert 'sample standard deviation (ddof=1)' in text
    for title, key in (('## Sequence-level mAP (%)', 'seq_mAP'),
                       ('## Frame-level mAP (%)', 'frame_mAP')):
        values = [first[key], second[key]]
        cell = f'{np.mean(values):.2f} ± {np.std(values, ddof=1):.2f} [n=2]'
        assert f'| Student | {cell} |' in section(text, title)


def test_report_errors_are_one_clear_message(runs, tmp_path):
    student = runs['student']['work_dir']
    with pytest.raises(SystemExit, match='both Student V_F MultiASL .* seed 0'):
        tool('report.py')([student, student, '--out', str(tmp_path / 'r')])
    with pytest.raises(SystemExit, match='does not exist'):
        tool('report.py')([str(tmp_path / 'missing'), '--out', str(tmp_path / 'r')])
    assert not osp.exists(tmp_path / 'r' / 'table1.md')


def test_report_paired_differences_from_dumped_predictions(runs, tmp_path):
    """Both runs copied, their predictions dumped by tools/test.py --dump into the work dir:
    paired.md gives ViCoKD − Student with its interval, and agrees with the runs' mAP."""
    from mmvicokd.experiments.predictions import PREDICTIONS_FILE
    dirs = {}
    for name in ('student', 'vicokd'):
        dirs[name] = str(tmp_path / name)
        shutil.copytree(runs[name]['work_dir'], dirs[name])
        metrics = tool('test.py')([runs[name]['config'], runs[name]['ckpt'], '--work-dir',
                                   str(tmp_path / f'{name}_test'), '--dump',
                                   osp.join(dirs[name], PREDICTIONS_FILE)])
        dirs[name + '_seq'] = metrics['seq_mAP']
    out = str(tmp_path / 'report')
    written = tool('report.py')([dirs['student'], dirs['vicokd'], '--out', out])
    assert 'paired.md' in written
    with open(osp.join(out, 'paired.md')) as f:
        text = f.read()
    (line,) = [row for row in text.splitlines() if row.startswith('| ViCoKD − Student | V_F |')]
    cells = [c.strip() for c in line.strip('|').split('|')]
    diff = float(cells[3].split(' [')[0])
    assert diff == pytest.approx(dirs['vicokd_seq'] - dirs['student_seq'], abs=0.01)
    low, high = (float(v) for v in cells[3].split(' [')[1].rstrip(']').split(', '))
    assert low <= diff <= high
    assert cells[4] in ('a > b', 'a < b', 'not resolved')
    # the study document of tools/demo.py --study reads the same runs the same way
    from mmvicokd.experiments.demo.study import study_document
    results = [dict(method=method, setting='V_F', table='table1', seed=0, work_dir=dirs[name],
                    metrics=dict(seq_mAP=dirs[name + '_seq']))
               for method, name in (('Student', 'student'), ('ViCoKD', 'vicokd'))]
    doc = study_document(results, 'python tools/demo.py --study', 60.0, 81)
    assert '2 of the 81 runs finished' in doc
    assert line in doc  # the same comparison row (same draws)
    table1 = doc[doc.index('## Table 1'):doc.index('## Paired differences')]
    assert f'| Student | {dirs["student_seq"]:.2f} |' in table1
    mechanism = doc[doc.index('## What each term acts on'):]
    assert '| ViCoKD | V_F | 1 |' in mechanism
