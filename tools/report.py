"""Tables and curves of the paper from any set of finished runs.

    python tools/report.py WORK_DIR [WORK_DIR ...] --out DIR

Each WORK_DIR is a run's work dir (``tools/train.py``/``tools/test.py``, ``make demo``) or a
folder of them (e.g. ``work_dirs``). A run is described from its dumped config (method,
setting, backbone, data root, seed; :mod:`mmvicokd.experiments.run_info`), never from folder
names, and scored from ``test_metrics.json``, else its newest test log, else its last
validation entry (:mod:`mmvicokd.experiments.run_logs`). Runs that differ only by seed become
mean ± sample std (ddof=1). Written (atomically) to DIR:

- ``table1.md``: methods × settings (× backbones), sequence-level mAP first with the difference
  from the Student, then frame-level mAP, then the list of runs read;
- ``table3.md``: teacher with vs without view-aware consistency (when such runs are given);
- ``table4.md``: ablations of ViCoKD (when given);
- ``curves.png``: test sequence-level mAP against epoch (Fig. 3 style), from the validation
  entries of ``scalars.json``;
- ``paired.md``: where runs kept their test predictions (``<work_dir>/test_predictions.pkl``:
  every ``tools/demo.py`` run, or ``tools/test.py CONFIG CKPT --dump
  <work_dir>/test_predictions.pkl``), each comparison of
  :data:`mmvicokd.experiments.paired_comparisons.COMPARISONS` as the mean over seeds of the mAP
  difference with its 95 % paired bootstrap interval over test recordings; a difference is
  claimed only where the interval excludes 0.
"""
import argparse
import os
import os.path as osp
import sys

OPTIONAL_OUTPUTS = ('table3.md', 'table4.md', 'curves.png', 'paired.md')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Paper-style tables and curves of runs')
    parser.add_argument('work_dirs', nargs='+', metavar='WORK_DIR',
                        help='run work dirs, or folders holding them')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--curve-metric', default='seq_mAP', choices=('seq_mAP', 'frame_mAP'),
                        help='metric of curves.png (default: seq_mAP)')
    return parser.parse_args(argv)


def load_runs(work_dirs):
    """Every run named by ``work_dirs``, with a progress bar."""
    from mmengine.utils import ProgressBar

    from mmvicokd.experiments.run_logs import expand_work_dirs, load_run

    runs, skipped = expand_work_dirs(work_dirs)
    for path in skipped:
        print(f'[report] skipped {path}: not an MMEngine work dir')
    records = []
    bar = ProgressBar(len(runs))
    for path in runs:
        records.append(load_run(path))
        bar.update()
    print()
    return records


def write_report(records, out: str, curve_metric: str = 'seq_mAP') -> dict:
    """Write the tables and the curves of ``records`` to ``out``; returns name → path."""
    from mmvicokd.experiments.result_tables import runs_table, table1, table3, table4
    from mmvicokd.experiments.paired_comparisons import paired_markdown
    from mmvicokd.experiments.seed_summary import summarise_runs
    from mmvicokd.utils.atomic_files import write_text
    from mmvicokd.visualization.atomic_output import save_figure
    from mmvicokd.experiments.curves import curves_figure

    summaries = summarise_runs(records)
    written = {}
    text = table1(summaries) + '\n## Runs\n\n' + runs_table(records) + '\n'
    written['table1.md'] = write_text(osp.join(out, 'table1.md'), text)
    for name, table in (('table3.md', table3(summaries)), ('table4.md', table4(summaries))):
        if table is not None:
            written[name] = write_text(osp.join(out, name), table)
    paired = paired_markdown(records)
    if paired is not None:
        written['paired.md'] = write_text(osp.join(out, 'paired.md'), paired)
    try:
        figure = curves_figure(summaries, curve_metric)
    except ValueError as err:  # no curve to draw: say so, the tables stand on their own
        print(f'[report] curves.png not written: {err}')
    else:
        written['curves.png'] = save_figure(figure, osp.join(out, 'curves.png'))
    for name in OPTIONAL_OUTPUTS:  # a previous report's file would describe other runs
        path = osp.join(out, name)
        if name not in written and osp.isfile(path):
            os.remove(path)
            print(f'[report] removed {path} of an earlier report (nothing to put in it now)')
    return written


def main(argv=None):
    args = parse_args(argv)
    from mmvicokd.apis.tool_errors import USER_ERRORS, error_line

    try:
        records = load_runs(args.work_dirs)
        written = write_report(records, args.out, args.curve_metric)
    except USER_ERRORS as err:
        raise SystemExit(error_line('report.py', err)) from err
    print(f'[report] {len(records)} runs; wrote ' + ', '.join(written.values()))
    return written


if __name__ == '__main__':
    main(sys.argv[1:])
