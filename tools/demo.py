"""The main job on the embedded synthetic data set (``make demo``), and the evidence study.

    python tools/demo.py [--work-dir work_dirs/demo]              # make demo: one seed
    python tools/demo.py --study --seeds 0 1 2                     # make study

1. Generate the synthetic MultiSensor-Home set and its pre-decoded frame cache, and pre-train the
   demo's encoders on other synthetic recordings (``tools/pretrain_demo_encoders.py``) (each
   skipped when complete, resumed when interrupted).
2. Train and test, with MMEngine's Runner, the configs of ``configs/demo/``: the audio-visual
   teacher (AV_F), then the visual-only Student, LogitKD, CoKD and ViCoKD under frame-level (V_F)
   and sequence-level (V_S) supervision. ``--study`` adds ModalKD, DualKD, the teacher with
   view-aware consistency (Table 3), the ablations (Table 4) and three view-consistency
   variants (weight 10 and 100, gradient through w), for every seed of ``--seeds``, on the
   'study' preset (a test split 5x the demo's) in ``data/synthetic_study`` and
   ``work_dirs/study``, without the periodic validation.
3. Print the sequence-level mAP table (the paper's metric) with the difference from the Student,
   then frame-level mAP, per-class AP of the sound-only classes and every loss term's first and
   last value, and write them to ``<work-dir>/results.md`` (every number in ``results.json``).
   ``--study`` then measures the students' feature distances to their teachers and writes
   the Tables 1-4 analogues (mean ± std over seeds), paired bootstrap intervals of every
   comparison and what each loss term acts on to ``--out`` (``docs/synthetic_study.md``,
   :mod:`mmvicokd.experiments.demo.study`) with the command, the machine and the wall time.
   ``--student-epochs N`` trains every run but the teachers N epochs (a study of the students'
   schedule; its runs have their own work dirs, the teachers are shared).

Runs live in ``work_dirs/<config name>`` (seed 0) and ``work_dirs/seed<k>/`` (other
seeds) (:mod:`mmvicokd.experiments.demo.runs`): a re-run reuses finished runs, tests a finished
checkpoint without metrics, and resumes an interrupted run.
"""
import argparse
import os
import os.path as osp
import resource
import shlex
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description='ViCoKD demo and evidence study')
    parser.add_argument('--work-dir', default='work_dirs/demo',
                        help='where results.md and results.json go')
    parser.add_argument('--preset', default=None,
                        help="synthetic set size preset (default: 'demo', 'study' with --study)")
    parser.add_argument('--data-seed', type=int, default=0,
                        help='seed of the synthetic set (one set for every training seed)')
    parser.add_argument('--backbone', default='multiasl', help='demo backbone config family')
    parser.add_argument('--study', action='store_true',
                        help='the evidence study: every method, Tables 3 and 4 and the VC '
                        'variants on the study preset, with paired bootstrap intervals')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='training seeds (the data set is the same for all)')
    parser.add_argument('--finished-only', action='store_true',
                        help='train nothing: tables of the runs that have finished')
    parser.add_argument('--out', default=None,
                        help='study document; default with --study: docs/synthetic_study.md')
    parser.add_argument('--results-doc', default=None,
                        help='also write the demo\'s Table 1 here (make demo: '
                        'docs/demo_results.md, the table the README shows)')
    parser.add_argument('--student-epochs', type=int, default=None,
                        help='train every run but the teachers for this many epochs instead '
                        'of the configs\' (work dirs <config>_<N>e; the teachers are shared)')
    parser.add_argument('--runs-root', default=None,
                        help='folder of the runs\' work dirs (default: work_dirs, '
                        'work_dirs/study with --study)')
    parser.add_argument('--data-dir', default=None,
                        help='where the synthetic set and its frame cache go (default: the '
                        'configs\' data/synthetic; data/synthetic_study with --study)')
    parser.add_argument('--jobs', type=int, default=min(2, os.cpu_count() or 1),
                        help='runs trained at once, in that many processes (default: 2, or 1 '
                        'on a 1-core machine); the cores are split between them')
    parser.add_argument('--helper', type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None,
                        help='key=value overrides applied to every run (e.g. '
                        'train_cfg.max_epochs=2)')
    args = parser.parse_args(argv)
    if args.out and not args.study:
        parser.error('--out names the study document: give --study too')
    return with_defaults(args)


def with_defaults(args):
    """Fill the defaults that depend on ``--study`` (in place; returns ``args``). The study
    validates only at the end (its test split is 5x the demo's, and nothing reads the
    curves)."""
    study = args.study
    args.preset = args.preset or ('study' if study else 'demo')
    args.runs_root = args.runs_root or ('work_dirs/study' if study else 'work_dirs')
    if study:
        args.data_dir = args.data_dir or 'data/synthetic_study'
        args.cfg_options = {'train_cfg.val_interval': 10 ** 6, **(args.cfg_options or {})}
    return args


def selected_runs(args):
    """The runs ``args`` ask for: the demo's or ``--study``'s."""
    from mmvicokd.experiments.demo.runs import DEMO_RUNS, STUDY_RUNS
    return STUDY_RUNS if args.study else DEMO_RUNS


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished children (data workers)."""
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kib, child_kib) / 1024


def describe_packed_sample(cfg) -> str:
    """Shapes of the first packed test sample of ``cfg`` (what the models read)."""
    from mmaction.registry import DATASETS
    from mmengine.registry import DefaultScope

    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
    packed = dataset[0]
    sample = packed['data_samples']
    parts = [f'{key} {tuple(value.shape)}' for key, value in packed['inputs'].items()]
    parts += [f'{key} {tuple(sample.get(key).shape)}'
              for key in ('gt_label', 'frame_label', 'human_mask') if key in sample]
    return f'recording {sample.metainfo["recording_id"]!r}: ' + ', '.join(parts)


def prepare_data(args) -> None:
    """Generate the synthetic set and its frame cache where the demo configs expect them, and
    the pre-trained encoder files the demo teacher's config names: one console line per step,
    their output in ``<work-dir>/setup.log``."""
    from mmvicokd.datasets.caches.frame_cache import build_frame_cache
    from mmvicokd.datasets.synthetic import generate_synthetic_dataset
    from mmvicokd.experiments.demo.console import captured_output, failure_message
    from mmvicokd.experiments.demo.pretraining import ensure_demo_encoders
    from mmvicokd.experiments.demo.runs import TEACHER, load_run_config

    log_path = osp.join(args.work_dir, 'setup.log')
    data = load_run_config(TEACHER.name(args.backbone), 0, args.backbone, args.cfg_options,
                           args.runs_root, args.data_dir)
    steps = (
        ('synthetic set', lambda: generate_synthetic_dataset(
            osp.dirname(data.data_root), preset=args.preset, seed=args.data_seed),
         lambda s: f'{s["num_recordings"]} recordings (train {s["num_train"]}, test '
                   f'{s["num_test"]}) in {s["data_root"]}'),
        ('frame cache', lambda: build_frame_cache(
            data.data_root, ['train.json', 'test.json'], data.frame_cache_dir,
            resize=data.img_size),
         lambda c: f'{c["num_recordings"]} recordings ({c["built"]} built) in '
                   f'{c["cache_dir"]}'),
        ('packed sample', lambda: describe_packed_sample(data), str),
        ('pre-trained encoders', lambda: ensure_demo_encoders(data.model),
         lambda records: ', '.join(f'{r["file"]} (held-out mAP {r["scores"]["held_out_map"]} %)'
                                   for r in records.values())),
    )
    for name, step, describe in steps:
        start = time.time()
        try:
            with captured_output(log_path):
                result = step()
        except BaseException:
            print(failure_message(f'set-up step "{name}"', log_path))
            raise
        print(f'[demo] {name}: {describe(result)} ({time.time() - start:.0f} s)', flush=True)


def draw_figures(results, work_dir: str) -> None:
    """The demo's curves, attention grid and timeline (``figures.draw_demo_figures``) into
    ``work_dir``: one console line with their paths; the models' log in ``setup.log``."""
    from mmvicokd.experiments.demo.console import captured_output, failure_message
    from mmvicokd.experiments.demo.figures import draw_demo_figures

    log_path = osp.join(work_dir, 'setup.log')
    start = time.time()
    try:
        with captured_output(log_path):
            paths = draw_demo_figures([r['work_dir'] for r in results
                                       if r['table'] == 'table1'], work_dir)
    except BaseException:
        print(failure_message('figures', log_path))
        raise
    print(f'[demo] figures: {", ".join(paths.values())} ({time.time() - start:.0f} s)',
          flush=True)


def main(argv=None):
    args = parse_args(argv)
    argv_list = list(sys.argv[1:] if argv is None else argv)
    command = 'python tools/demo.py ' + ' '.join(map(shlex.quote, argv_list))
    start = time.time()
    os.chdir(REPO)
    from mmvicokd.experiments.demo.demo_document import (demo_report, demo_table, demote,
                                                         f1_section, results_document,
                                                         results_json, timing_line)
    from mmvicokd.experiments.demo.figures import demo_frame_f1
    from mmvicokd.experiments.demo.parallel import (limit_threads, start_helpers, stop_helpers,
                                                    threads_per_job, wait_helpers)
    from mmvicokd.experiments.demo.runs import run_all
    from mmvicokd.utils.atomic_files import write_json, write_text

    if args.helper:  # one of --jobs' helper processes: train runs, report nothing
        limit_threads(threads_per_job(args.jobs))
        run_all(selected_runs(args), args.seeds, args.backbone,
                args.cfg_options, args.runs_root, args.data_dir,
                student_epochs=args.student_epochs, log=lambda line: print(line, flush=True))
        return
    if not args.finished_only:
        prepare_data(args)
    helpers = []
    if args.jobs > 1 and not args.finished_only:
        limit_threads(threads_per_job(args.jobs))
        helpers = start_helpers(osp.abspath(__file__), argv_list, args.jobs)
        print(f'[demo] training in {args.jobs} processes, {threads_per_job(args.jobs)} '
              'thread(s) each; each run\'s log: <work dir>/console.log', flush=True)
    try:
        results = run_all(selected_runs(args), args.seeds, args.backbone,
                          args.cfg_options, args.runs_root, args.data_dir,
                          finished_only=args.finished_only,
                          student_epochs=args.student_epochs, live=True,
                          log=lambda line: print(line, flush=True))
        wait_helpers(helpers)
    except BaseException:
        stop_helpers(helpers)
        raise
    if not results:
        raise SystemExit('[demo] no finished run to report')
    wall = time.time() - start
    first = [r for r in results if r['seed'] == args.seeds[0]]
    decisions = '' if args.study else f1_section(demo_frame_f1(
        [r['work_dir'] for r in first if r['table'] == 'table1']))
    report = demo_report(first, args.backbone,
                         timing_line(first, wall, peak_rss_mib(), args.finished_only))
    write_text(osp.join(args.work_dir, 'results.md'),
               report + ('\n' + demote(decisions) if decisions else ''))
    write_json(osp.join(args.work_dir, 'results.json'),
               results_json(results, wall, peak_rss_mib()))
    table = demo_table(first, args.backbone)
    if args.results_doc:
        write_text(args.results_doc, results_document(table + '\n' + decisions, command))
    if not args.study:
        draw_figures(first, args.work_dir)
    print('\n' + table)
    print(timing_line(first, wall, peak_rss_mib(), args.finished_only))
    print(f'[demo] per-class AP and loss terms: {osp.join(args.work_dir, "results.md")}' +
          (f'; the table: {args.results_doc}' if args.results_doc else ''))
    if args.study:
        expected = len(selected_runs(args)) * len(args.seeds)
        from mmvicokd.experiments.demo.study import measure_feature_gaps, study_document
        if not args.finished_only:
            import torch
            torch.set_num_threads(os.cpu_count() or 1)  # the training processes have ended
            measure_feature_gaps(results)
        out = args.out or 'docs/synthetic_study.md'
        write_text(out, study_document(results, command, wall, expected))
        print(f'[demo] study tables written to {out}')


if __name__ == '__main__':
    main()
