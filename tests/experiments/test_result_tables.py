"""Tables 1, 3, 4 and the seed summary from hand-made run records."""
import numpy as np
import pytest

from mmvicokd.experiments.result_tables import format_value, table1, table3, table4
from mmvicokd.experiments.run_info import RunInfo
from mmvicokd.experiments.run_logs import RunRecord
from mmvicokd.experiments.seed_summary import summarise_runs


def run(method, setting, seq, frame, backbone='MultiASL', data='d/Home1', seed=0):
    return RunRecord(work_dir=f'w/{method}/{setting}/{backbone}/{data}/{seed}',
                     config_file='c.py', info=RunInfo(method, setting, backbone, data, seed),
                     metrics=dict(seq_mAP=seq, frame_mAP=frame), source='test_metrics.json',
                     curve={1: dict(seq_mAP=seq - 1, frame_mAP=frame - 1),
                            2: dict(seq_mAP=seq, frame_mAP=frame)})


def section(text, title):
    lines = text.splitlines()
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith('## ')),
               len(lines))
    return lines[start:end]


def test_table1_backbones_seeds_and_differences():
    records = [
        run('Teacher', 'AV_F', 73.81, 50.0), run('Teacher', 'AV_F', 61.40, 40.0, 'MultiTrans'),
        run('Student', 'V_F', 63.24, 30.0), run('Student', 'V_S', 55.91, 20.0),
        run('ViCoKD', 'V_F', 76.0, 35.0, seed=0), run('ViCoKD', 'V_F', 77.0, 36.0, seed=1),
        run('ViCoKD', 'V_F', 78.0, 37.0, seed=2),
        run('Student', 'V_F', 60.77, 29.0, 'MultiTrans'),
        run('Teacher+VC', 'AV_F', 75.99, 51.0), run('ViCoKD w/o Mask', 'V_F', 72.33, 33.0),
    ]
    text = table1(summarise_runs(records))
    seq = section(text, '## Sequence-level mAP (%)')
    assert ('| Method | MultiTrans AV_F → V_F | MultiTrans AV_F → V_S | MultiASL AV_F → V_F | '
            'MultiASL AV_F → V_S |') in seq
    assert '| Teacher (AV_F) | 61.40 | 61.40 | 73.81 | 73.81 |' in seq
    assert '| Student | 60.77 | — | 63.24 | 55.91 |' in seq
    # mean 77, sample std 1 (ddof=1), difference of means from the Student 77 - 63.24
    assert '| ViCoKD | — | — | 77.00 ± 1.00 (+13.76) [n=3] | — |' in seq
    assert not any('Teacher+VC' in line or 'w/o Mask' in line for line in seq)
    frame = section(text, '## Frame-level mAP (%)')
    assert '| ViCoKD | — | — | 36.00 ± 1.00 (+6.00) [n=3] | — |' in frame
    assert text.index('## Sequence-level') < text.index('## Frame-level')
    assert 'ddof=1' in text


def test_table1_one_block_per_data_root():
    records = [run('Student', 'V_F', 10.0, 1.0), run('Student', 'V_F', 20.0, 2.0, data='d/Home2'),
               run('CoKD', 'V_F', 15.0, 1.5, data='d/Home2')]
    seq = section(table1(summarise_runs(records)), '## Sequence-level mAP (%)')
    home2 = seq[seq.index('### Home2'):]
    assert '| CoKD | 15.00 (-5.00) |' in home2
    assert '| Student | 10.00 |' in seq[seq.index('### Home1'):seq.index('### Home2')]


def test_table3_and_table4():
    records = [run('Teacher', 'AV_F', 73.81, 50.0), run('Teacher+VC', 'AV_F', 75.99, 51.0),
               run('Teacher+VC', 'AV_F', 78.25, 52.0, 'MultiTSF'),
               run('ViCoKD', 'V_S', 65.23, 30.0), run('ViCoKD w/o LD', 'V_S', 61.51, 28.0),
               run('ViCoKD JS→KL', 'V_S', 64.87, 31.0)]
    summaries = summarise_runs(records)
    t3 = table3(summaries)
    seq = section(t3, '## Sequence-level mAP (%)')
    assert '| Backbone | Home1 AV_F |' in seq
    assert '| MultiASL | 73.81 → 75.99 (+2.18) |' in seq
    assert '| MultiTSF | — → 78.25 |' in seq
    assert '| MultiASL | 50.00 → 51.00 (+1.00) |' in section(t3, '## Frame-level mAP (%)')
    t4 = table4(summaries)
    seq = section(t4, '## Sequence-level mAP (%)')
    assert '| Method | Home1 AV_F → V_S |' in seq
    assert '| ViCoKD | 65.23 |' in seq
    assert '| w/o LD | 61.51 (-3.72) |' in seq
    assert '| JS→KL | 64.87 (-0.36) |' in seq
    assert '| w/o ConfW | — |' in seq
    plain = summarise_runs([run('Student', 'V_F', 1.0, 1.0)])
    assert table3(plain) is None and table4(plain) is None


def test_summary_statistics_and_duplicate_seeds():
    records = [run('CoKD', 'V_S', v, v / 2, seed=s) for s, v in enumerate((60.0, 61.5, 65.0))]
    (summary,) = summarise_runs(records)
    assert summary.n == 3 and summary.seeds == [0, 1, 2]
    assert summary.mean['seq_mAP'] == pytest.approx(62.1666666)
    assert summary.std['seq_mAP'] == pytest.approx(np.std([60.0, 61.5, 65.0], ddof=1))
    mean, std, n = summary.curve[1]['seq_mAP']
    assert (mean, n) == (pytest.approx(61.1666666), 3)
    assert format_value(summary, 'seq_mAP') == '62.17 ± 2.57 [n=3]'
    with pytest.raises(ValueError, match='both CoKD V_S MultiASL on d/Home1 with seed 1'):
        summarise_runs(records + [run('CoKD', 'V_S', 1.0, 1.0, seed=1)])
    with pytest.raises(ValueError, match='no run for Table 1'):
        table1(summarise_runs([run('Teacher+VC', 'AV_F', 1.0, 1.0)]))


def test_table1_rows_follow_the_papers_methods_and_table4_lists_every_ablation():
    """What the study document shows of the runs tests/tools/test_demo.py leaves out."""
    from mmvicokd.experiments.run_info import ABLATIONS, TABLE1_METHODS
    records = [run('Teacher', 'AV_F', 70.0, 40.0)]
    records += [run(method, 'V_F', 50.0 + i, 30.0)
                for i, method in enumerate(reversed(TABLE1_METHODS[1:]))]
    seq = section(table1(summarise_runs(records)), '## Sequence-level mAP (%)')
    names = [line.split(' | ')[0][2:] for line in seq if line.startswith('| ')][1:]
    assert names == ['Teacher (AV_F)', *TABLE1_METHODS[1:]]
    assert '| ViCoKD | 50.00 (-5.00) |' in seq  # 6 methods after the Student: 55 - 5
    t4 = table4(summarise_runs([run('ViCoKD', 'V_S', 65.0, 30.0),
                                run('ViCoKD w/o Mask', 'V_S', 64.5, 29.0)]))
    rows = [line for line in section(t4, '## Sequence-level mAP (%)') if line.startswith('| ')]
    assert [r.split(' | ')[0][2:] for r in rows[1:]] == ['ViCoKD', *ABLATIONS]
    assert '| w/o Mask | 64.50 (-0.50) |' in rows


def test_vc_study_and_vfl_tables():
    from mmvicokd.experiments.result_tables import vc_study_table, vfl_table
    records = [run('Teacher', 'AV_F', 80.0, 40.0), run('Teacher+VFL', 'AV_F', 81.5, 39.0),
               run('ViCoKD', 'V_S', 65.0, 30.0, seed=0), run('ViCoKD', 'V_S', 67.0, 32.0, seed=1),
               run('ViCoKD (VC×10)', 'V_S', 63.0, 31.0),
               run('ViCoKD (w with grad)', 'V_S', 70.0, 33.0),
               run('ViCoKD+VFL', 'V_S', 60.0, 29.0)]
    summaries = summarise_runs(records)
    vc = vc_study_table(summaries)
    seq = section(vc, '## Sequence-level mAP (%)')
    assert '| Method | Home1 AV_F → V_S |' in seq
    # ViCoKD over two seeds: mean 66, std sqrt(2); the variants' difference from that mean
    assert '| ViCoKD | 66.00 ± 1.41 [n=2] |' in seq
    assert '| ViCoKD (VC×10) | 63.00 (-3.00) |' in seq
    assert '| ViCoKD (w with grad) | 70.00 (+4.00) |' in seq
    assert not any('VC×100' in line or 'VFL' in line for line in seq)
    vfl = vfl_table(summaries)
    seq = section(vfl, '## Sequence-level mAP (%)')
    assert '| Backbone | Method | Setting | Home1 |' in seq
    assert '| MultiASL | Teacher | AV_F | 80.00 → 81.50 (+1.50) |' in seq
    assert '| MultiASL | ViCoKD | AV_F → V_S | 66.00 ± 1.41 [n=2] → 60.00 (-6.00) |' in seq
    assert '| MultiASL | Teacher | AV_F | 40.00 → 39.00 (-1.00) |' in section(
        vfl, '## Frame-level mAP (%)')
    plain = summarise_runs([run('Student', 'V_F', 1.0, 1.0)])
    assert vc_study_table(plain) is None and vfl_table(plain) is None
