"""The texts ``tools/demo.py`` prints and writes for one seed: Table 1, per-class AP of the
sound-only classes, the loss terms and the timing (the study's document: :mod:`.study`)."""
import os.path as osp
import platform
from typing import Dict, Sequence

from .loss_terms import loss_trajectory, per_class_table, sound_only_classes, terms_table

#: Runs whose loss terms the demo shows: the teacher and every student with distillation.
_TERMS_OF = ('Teacher', 'Teacher+VC', 'LogitKD', 'CoKD', 'ViCoKD')


def machine_line() -> str:
    """``'<cores> CPU cores, <processor> (<python>)'`` of this machine."""
    import os
    import torch
    gpu = (f', GPU {torch.cuda.get_device_name(0)}' if torch.cuda.is_available()
           else ', no GPU')
    return (f'{os.cpu_count()} CPU cores ({platform.machine()}, '
            f'{platform.processor() or "unknown processor"}){gpu}, torch {torch.__version__}, '
            f'torch threads {torch.get_num_threads()}')


def per_class_section(results: Sequence[dict]) -> str:
    teacher = [r for r in results if r['method'] == 'Teacher']
    students = [r for r in results if r['method'] in ('Student', 'CoKD', 'ViCoKD', 'LogitKD')]
    rows = teacher + students
    if not rows or not any(k.startswith('seq_AP/') for r in rows for k in r['metrics']):
        return ''
    return ('Sequence-level AP (%) of the classes that look alike and differ only by sound '
            '(the audio-visual teacher can tell them apart, a visual-only student cannot '
            'unless distillation carries what the teacher hears):\n\n'
            + per_class_table(rows, sound_only_classes()) + '\n')


def terms_section(results: Sequence[dict]) -> str:
    trajectories = {}
    for res in results:
        if res['method'] in _TERMS_OF and osp.isdir(res['work_dir']):
            name = f'{res["method"]} ({res["setting"]})'
            trajectories[name] = loss_trajectory(res['work_dir'])
    if not trajectories:
        return ''
    return ('Every logged loss term, first → last logged value (20-iteration moving '
            'averages); `vc_covisible` is the fraction of view-pair frames where both views '
            'see a person, `vc_weight` their mean confidence weight w, `vc_js` their mean JS '
            'divergence (Eq. 10 is about their product):\n\n' + terms_table(trajectories)
            + '\n')


def timing_line(results: Sequence[dict], wall_seconds: float, peak_mib: float,
                finished_only: bool) -> str:
    """The closing line of the demo's report: this invocation's wall time and peak memory, or,
    for a report of finished runs (``--finished-only``), what those runs took when trained."""
    if not finished_only:
        return (f'Wall time {wall_seconds / 60:.1f} min, peak memory {peak_mib:.0f} MiB '
                f'({machine_line()}).')
    known = [r['run_seconds'] for r in results if r.get('run_seconds') is not None]
    return (f'Reported from finished runs (--finished-only): {len(known)} of them recorded '
            f'their training and testing time, {sum(known) / 60:.1f} min in all '
            f'({machine_line()}).')


def demo_report(results: Sequence[dict], backbone: str, closing: str) -> str:
    """Markdown of one demo (one seed): Table 1 (seq mAP, then frame mAP), per-class AP of
    the sound-only classes, the loss terms, and ``closing`` (:func:`timing_line`)."""
    from ..result_tables import table1
    from ..run_logs import load_run
    from ..seed_summary import summarise_runs

    records = [load_run(r['work_dir']) for r in results if r['table'] == 'table1']
    parts = [f'# ViCoKD demo: {backbone} on the synthetic MultiSensor-Home set\n',
             demote(table1(summarise_runs(records))),
             per_class_section(results), terms_section(results),
             closing + '\n']
    return '\n'.join(p for p in parts if p)


def demote(markdown: str) -> str:
    """Headings one level down (the report's tables start at ``#``; the document owns it)."""
    return '\n'.join('#' + line if line.startswith('#') else line
                     for line in markdown.splitlines()) + '\n'


def results_json(results: Sequence[dict], wall_seconds: float, peak_mib: float) -> Dict:
    """Everything the demo measured, for ``results.json``."""
    return dict(results=list(results), wall_seconds=round(wall_seconds, 1),
                peak_rss_mib=round(peak_mib), machine=machine_line())
