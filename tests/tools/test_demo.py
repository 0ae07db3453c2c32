"""tools/demo.py end to end on the tiny synthetic set: ``--study`` over two seeds (every Table
1/3/4 run and the VC variants, 1 epoch each), the document it writes (tables, paired intervals,
what each term acts on), reuse of finished runs, and the same seed giving the same table bit
for bit."""
import json
import os.path as osp
import runpy

import pytest

from mmvicokd.experiments.demo.runs import DEMO_RUNS, STUDY_RUNS

from mmvicokd.experiments.demo.study import GAP_METHODS

from ..helpers.e2e import REPO

pytestmark = pytest.mark.slow

TINY = ['train_cfg.max_epochs=1', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False', 'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False']


def demo_main():
    return runpy.run_path(osp.join(REPO, 'tools', 'demo.py'), run_name='mmvicokd_test')['main']


def _run(tmp_path, data_dir, name, *extra):
    out = tmp_path / name
    demo_main()(['--preset', 'tiny', '--data-dir', data_dir, '--runs-root', str(out / 'runs'),
                 '--work-dir', str(out / 'demo'), *extra, '--cfg-options', *TINY])
    with open(out / 'demo' / 'results.json') as f:
        return out, json.load(f)


@pytest.fixture(scope='module')
def full_run(tiny_synthetic, tmp_path_factory):
    data_dir = osp.dirname(tiny_synthetic[0])
    out = tmp_path_factory.mktemp('demo')
    return _run(out, data_dir, 'full', '--study', '--seeds', '0', '1', '--out',
                str(out / 'full' / 'study.md'))


def test_full_trains_every_run_for_every_seed(full_run):
    out, results = full_run
    runs = results['results']
    assert len(runs) == 2 * len(STUDY_RUNS) == 54
    keys = {(r['method'], r['setting'], r['seed']) for r in runs}
    assert len(keys) == 54
    for r in runs:
        assert set(r['metrics']) >= {'seq_mAP', 'frame_mAP'}
        assert osp.isfile(osp.join(r['work_dir'], 'test_metrics.json'))
        assert osp.isfile(osp.join(r['work_dir'], 'test_predictions.pkl'))
        gaps = osp.isfile(osp.join(r['work_dir'], 'test_feature_gaps.json'))
        assert gaps == (r['method'] in GAP_METHODS and r['setting'] != 'AV_F'), r['work_dir']
    seed1 = [r['work_dir'] for r in runs if r['seed'] == 1]
    assert all(osp.join('runs', 'seed1') in path for path in seed1)


def test_study_writes_tables_intervals_and_mechanism(full_run):
    out, _ = full_run
    text = (out / 'study.md').read_text()
    assert 'python tools/demo.py' in text and '--study' in text
    table1 = text[text.index('## Table 1'):text.index('## Table 3')]
    # the paper's metric first, then frame mAP; two seeds: mean ± std [n=2]
    assert table1.index('Sequence-level mAP') < table1.index('Frame-level mAP')
    for method in ('Teacher', 'Student', 'LogitKD', 'ModalKD', 'DualKD', 'CoKD', 'ViCoKD'):
        assert f'| {method}' in table1
    assert ' ± ' in table1 and '[n=2]' in table1
    table4 = text[text.index('## Table 4'):text.index('## View consistency')]
    for ablation in ('w/o ConfW', 'w/o Mask', 'JS→KL', 'w/o FD', 'w/o LD'):
        assert ablation in table4
    assert 'Teacher+VC' in text or '→' in text[text.index('## Table 3'):]
    vc = text[text.index('## View consistency'):text.index('## Paired differences')]
    for variant in ('ViCoKD (VC×10)', 'ViCoKD (VC×100)', 'ViCoKD (w with grad)'):
        assert f'| {variant} |' in vc
    paired = text[text.index('## Paired differences'):text.index('## What each term')]
    for comparison in ('| ViCoKD − CoKD | V_F | 2 |', '| Teacher+VC − Teacher | AV_F | 2 |',
                       '| ViCoKD w/o Mask − ViCoKD | V_S | 2 |',
                       '| ViCoKD (VC×100) − ViCoKD | V_S | 2 |'):
        assert comparison in paired
    mechanism = text[text.index('## What each term'):text.index('## Per-class AP')]
    (row,) = [line for line in mechanism.splitlines() if line.startswith('| CoKD | V_F | 2 |')]
    assert '–' not in row  # every statistic measured for a distilled student
    assert '| Teacher | AV_F | 2 |' in mechanism
    demo = (out / 'demo' / 'results.md').read_text()
    assert demo.index('Sequence-level mAP') < demo.index('Frame-level mAP')
    assert 'TurnOnLamp' in demo and 'loss_vc' in demo


@pytest.fixture(scope='module')
def reused(full_run, tiny_synthetic):
    """The plain demo (one seed) run again over the --study runs: everything is reused."""
    out, _ = full_run
    import contextlib
    import io
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        demo_main()(['--preset', 'tiny', '--data-dir', osp.dirname(tiny_synthetic[0]),
                     '--runs-root', str(out / 'runs'), '--work-dir', str(out / 'demo2'),
                     '--cfg-options', *TINY])
    return out / 'demo2', printed.getvalue()


def test_rerun_reuses_finished_runs(reused):
    _, printed = reused
    assert printed.count('finished before, reusing') == len(DEMO_RUNS)
    assert ': training' not in printed


def test_same_seed_gives_the_same_table_bit_for_bit(full_run, reused, tiny_synthetic, tmp_path):
    out, first = full_run
    again_out, again = _run(tmp_path, osp.dirname(tiny_synthetic[0]), 'again')
    seed0 = {(r['method'], r['setting']): r['metrics'] for r in first['results']
             if r['seed'] == 0}
    for r in again['results']:
        assert r['metrics'] == seed0[(r['method'], r['setting'])], r['method']
    # independent trainings of one seed: the same tables (mAP, per-class AP, logged loss
    # terms), everything but the wall-time line
    tables = [(path / 'results.md').read_text().split('Wall time')[0]
              for path in (reused[0], again_out / 'demo')]
    assert tables[0] == tables[1]
