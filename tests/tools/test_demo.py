"""tools/demo.py end to end on the tiny synthetic set: ``--study`` over two seeds (1 epoch a
run, two processes), the document it writes (tables, paired intervals, what each term acts
on), reuse of finished runs, and the same seed giving the same table bit for bit.

The driver runs a few runs of its lists, not all 27 of the study (each would train the same
code path again): the teacher, the Student, ViCoKD (whose feature distances are measured) and
the Teacher+VFL / ViCoKD+VFL pair (a distiller with its own teacher, a method without
feature distances, the VFL table). ``DEMO_RUNS`` and ``STUDY_RUNS`` are narrowed in this
process and in the ``--jobs`` helper processes (a wrapper around the helper's script).
Every config of the lists builds (tests/configs/test_configs.py), and one config of each
model signature trains two DDP steps (tests/tools/test_ddp_unused_parameters.py) and has its
test step scored (tests/configs/test_config_predictions.py); the tables, comparisons and
mechanism rows of the runs left out are rendered from hand-made runs in tests/experiments/.

The demo runs in a sandbox checkout (``tools/`` linked), so that its encoder files
(``checkpoints/demo/``, made by a 1-epoch pre-training on 2 corpus recordings) stay out of
the repository.
"""
import contextlib
import functools
import io
import json
import os
import os.path as osp
import runpy

import pytest
from mmengine.config import Config

from mmvicokd.experiments.demo import parallel, pretraining, runs
from mmvicokd.experiments.demo.study import GAP_METHODS
from mmvicokd.experiments.run_logs import run_config_file

from ..helpers.e2e import REPO

pytestmark = pytest.mark.slow

TINY = ['train_cfg.max_epochs=1', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False', 'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False']
TINY_PRETRAINING = pretraining.PretrainSettings(num_recordings=2, epochs=1, batch_size=64,
                                                lr=1e-3)
DEMO = ('teacher_{bb}_synthetic_av_f', 'student_{bb}_synthetic_v_f',
        'vicokd_{bb}_synthetic_v_f')
STUDY = DEMO + (runs.TEACHER_VFL.config, runs.VICOKD_VFL.config)

HELPER = '''import runpy, sys
from mmengine.config import config
from mmvicokd.experiments.demo import runs
config.FormatCode = lambda text, **kwargs: (text, False)  # as tests/conftest.py
runs.DEMO_RUNS = [r for r in runs.DEMO_RUNS if r.config in {demo!r}]
runs.STUDY_RUNS = [r for r in runs.STUDY_RUNS if r.config in {study!r}]
sys.argv[0] = {script!r}
runpy.run_path({script!r}, run_name='__main__')
'''


@pytest.fixture(scope='module')
def sandbox(tmp_path_factory):
    """A checkout with the repository's ``tools/`` and this module's narrowed run lists: the
    folder the demo runs in (its ``REPO``)."""
    import torch
    box = tmp_path_factory.mktemp('demo_checkout')
    os.symlink(osp.join(REPO, 'tools'), box / 'tools')
    real_start, real_pretrain = parallel.start_helpers, pretraining.ensure_demo_encoders

    def start_helpers(script, argv, jobs):
        wrapper = box / 'helper.py'
        wrapper.write_text(HELPER.format(demo=DEMO, study=STUDY, script=script))
        return real_start(str(wrapper), argv, jobs)

    threads = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runs, 'DEMO_RUNS', [r for r in runs.DEMO_RUNS if r.config in DEMO])
        patch.setattr(runs, 'STUDY_RUNS', [r for r in runs.STUDY_RUNS if r.config in STUDY])
        patch.setattr(parallel, 'start_helpers', start_helpers)
        patch.setattr(pretraining, 'ensure_demo_encoders', functools.partial(
            real_pretrain, settings=TINY_PRETRAINING, progress=False))
        patch.chdir(box)  # the demo changes to its checkout; the tests after it do not
        for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'):  # --jobs sets them; restored after
            value = os.environ.get(var)
            patch.setenv(var, value or '1')
            if value is None:
                patch.delenv(var)
        yield box
    torch.set_num_threads(threads)


def demo_main(sandbox):
    return runpy.run_path(str(sandbox / 'tools' / 'demo.py'), run_name='mmvicokd_test')['main']


def _run(sandbox, tmp_path, data_dir, name, *extra):
    out = tmp_path / name
    demo_main(sandbox)(['--preset', 'tiny', '--data-dir', data_dir, '--runs-root',
                        str(out / 'runs'), '--work-dir', str(out / 'demo'), *extra,
                        '--cfg-options', *TINY])
    with open(out / 'demo' / 'results.json') as f:
        return out, json.load(f)


@pytest.fixture(scope='module')
def full_run(sandbox, tiny_synthetic, tmp_path_factory):
    data_dir = osp.dirname(tiny_synthetic[0])
    out = tmp_path_factory.mktemp('demo')
    return _run(sandbox, out, data_dir, 'full', '--study', '--seeds', '0', '1', '--out',
                str(out / 'full' / 'study.md'))


def test_full_trains_every_run_for_every_seed(full_run, sandbox):
    out, results = full_run
    done = results['results']
    assert len(done) == 2 * len(runs.STUDY_RUNS) == 2 * len(STUDY)
    keys = {(r['method'], r['setting'], r['seed']) for r in done}
    assert len(keys) == 2 * len(STUDY)
    for r in done:
        assert set(r['metrics']) >= {'seq_mAP', 'frame_mAP'}
        assert osp.isfile(osp.join(r['work_dir'], 'test_metrics.json'))
        assert osp.isfile(osp.join(r['work_dir'], 'test_predictions.pkl'))
        gaps = osp.isfile(osp.join(r['work_dir'], 'test_feature_gaps.json'))
        assert gaps == (r['method'] in GAP_METHODS and r['setting'] != 'AV_F'), r['work_dir']
    assert {r['method'] for r in done if osp.isfile(
        osp.join(r['work_dir'], 'test_feature_gaps.json'))} == {'Student', 'ViCoKD'}
    seed1 = [r['work_dir'] for r in done if r['seed'] == 1]
    assert all(osp.join('runs', 'seed1') in path for path in seed1)
    # a distiller reads the teacher of its own run and seed
    for seed in (0, 1):
        student = runs.work_dir(runs.VICOKD_VFL.name('multiasl'), seed, str(out / 'runs'))
        teacher = runs.work_dir(runs.TEACHER_VFL.name('multiasl'), seed, str(out / 'runs'))
        cfg = Config.fromfile(run_config_file(student))
        assert cfg.model.teacher_ckpt == osp.join(teacher, 'epoch_1.pth')
    # the encoder files the runs loaded are the sandbox's, made by the tiny pre-training
    with open(sandbox / 'checkpoints' / 'demo' / 'demo_vit.json') as f:
        assert json.load(f)['settings']['num_recordings'] == 2


def test_study_writes_tables_intervals_and_mechanism(full_run):
    out, _ = full_run
    text = (out / 'study.md').read_text()
    assert 'python tools/demo.py' in text and '--study' in text
    table1 = text[text.index('## Table 1'):text.index('## Our per-view frame loss')]
    # the paper's metric first, then frame mAP; two seeds: mean ± std [n=2]
    assert table1.index('Sequence-level mAP') < table1.index('Frame-level mAP')
    for method in ('Teacher', 'Student', 'ViCoKD'):
        assert f'| {method}' in table1
    assert ' ± ' in table1 and '[n=2]' in table1
    vfl = text[text.index('## Our per-view frame loss'):text.index('## Paired differences')]
    rows = [line.split(' | ') for line in vfl.splitlines() if line.startswith('| MultiASL |')]
    assert [row[1:3] for row in rows] == [['Teacher', 'AV_F'], ['ViCoKD', 'AV_F → V_F']] * 2
    assert all(' [n=2] → ' in row[3] for row in rows)  # seq, then frame mAP; a → b over seeds
    paired = text[text.index('## Paired differences'):text.index('## What each term')]
    for comparison in ('| ViCoKD − Student | V_F | 2 |', '| Teacher+VFL − Teacher | AV_F | 2 |',
                       '| ViCoKD+VFL − ViCoKD | V_F | 2 |'):
        assert comparison in paired
    mechanism = text[text.index('## What each term'):text.index('## Per-class AP')]
    (row,) = [line for line in mechanism.splitlines() if line.startswith('| ViCoKD | V_F | 2 |')]
    assert '–' not in row  # every statistic measured for a distilled student
    assert '| Teacher | AV_F | 2 |' in mechanism
    demo = (out / 'demo' / 'results.md').read_text()
    assert demo.index('Sequence-level mAP') < demo.index('Frame-level mAP')
    assert 'TurnOnLamp' in demo and 'loss_vc' in demo


@pytest.fixture(scope='module')
def reused(full_run, sandbox, tiny_synthetic):
    """The plain demo (one seed) run again over the --study runs: everything is reused."""
    out, _ = full_run
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        demo_main(sandbox)(['--preset', 'tiny', '--data-dir', osp.dirname(tiny_synthetic[0]),
                            '--runs-root', str(out / 'runs'), '--work-dir', str(out / 'demo2'),
                            '--cfg-options', *TINY])
    return out / 'demo2', printed.getvalue()


def test_rerun_reuses_finished_runs(reused):
    _, printed = reused
    assert printed.count('finished before, reusing') == len(runs.DEMO_RUNS) == len(DEMO)
    assert ': training' not in printed
    # the plain demo draws its figures and decides at calibrated thresholds
    work_dir, _ = reused
    figures = [work_dir / f'{name}.png' for name in ('curves', 'attention', 'timeline')]
    assert all(f.stat().st_size > 0 for f in figures)
    assert f'[demo] figures: {", ".join(map(str, figures))}' in printed
    report = (work_dir / 'results.md').read_text()
    assert report.count('| ViCoKD | V_F |') == 1 and 'frame F1' in report


def test_same_seed_gives_the_same_table_bit_for_bit(full_run, reused, sandbox, tiny_synthetic,
                                                    tmp_path):
    out, first = full_run
    again_out, again = _run(sandbox, tmp_path, osp.dirname(tiny_synthetic[0]), 'again')
    seed0 = {(r['method'], r['setting']): r['metrics'] for r in first['results']
             if r['seed'] == 0}
    assert len(again['results']) == len(DEMO)
    for r in again['results']:
        assert r['metrics'] == seed0[(r['method'], r['setting'])], r['method']
    # independent trainings of one seed: the same tables (mAP, per-class AP, logged loss
    # terms), everything but the wall-time line
    tables = [(path / 'results.md').read_text().split('Wall time')[0]
              for path in (reused[0], again_out / 'demo')]
    assert tables[0] == tables[1]
