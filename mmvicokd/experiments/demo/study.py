"""The evidence study's document (``tools/demo.py --study``): mAP per run over seeds, paired
bootstrap differences between methods, and what each loss term acts on."""
import os.path as osp
from typing import Sequence

from ..result_tables import table1, table3, table4, vc_study_table, vfl_table
from ..run_logs import load_run
from ..seed_summary import summarise_runs
from ..paired_comparisons import (PredictedRun, comparison_rows, comparison_table, load_groups,
                                  mechanism_rows, mechanism_table, split_size)
from ..predictions import PREDICTIONS_FILE
from .demo_document import demote, machine_line, per_class_section, terms_section

NUM_RESAMPLES = 1000
#: students whose feature distances to the teacher are measured (what FD and the adapter act
#: on; one test pass of student and teacher each, about 35 s per run on 2 cores)
GAP_METHODS = ('Student', 'LogitKD', 'ModalKD', 'DualKD', 'CoKD', 'ViCoKD', 'ViCoKD w/o FD')


def _last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def measure_feature_gaps(results: Sequence[dict], log=print) -> None:
    """Write ``test_feature_gaps.json`` into the work dir of every student run of
    :data:`GAP_METHODS` that lacks it (a Student is compared with the Teacher of its seed, a
    distiller with its own teacher); resumable, one run at a time."""
    from ..run_logs import run_config_file
    from ..feature_gaps import (FEATURE_GAPS_FILE, run_feature_gaps, write_feature_gaps)
    teachers = {r['seed']: r['work_dir'] for r in results if r['method'] == 'Teacher'}
    todo = [r for r in results if r['method'] in GAP_METHODS and r['setting'] != 'AV_F'
            and not osp.isfile(osp.join(r['work_dir'], FEATURE_GAPS_FILE))]
    for index, run in enumerate(todo):
        log(f'[demo] feature distances {index + 1}/{len(todo)}: {run["work_dir"]}')
        teacher = (None, None)
        if run['method'] == 'Student':
            if run['seed'] not in teachers:
                log(f'[demo] no Teacher run of seed {run["seed"]}: skipped')
                continue
            teacher = (run_config_file(teachers[run['seed']]),
                       _last_checkpoint(teachers[run['seed']]))
        gaps = run_feature_gaps(run_config_file(run['work_dir']),
                                _last_checkpoint(run['work_dir']), *teacher)
        write_feature_gaps(gaps, osp.join(run['work_dir'], FEATURE_GAPS_FILE))


def study_document(results: Sequence[dict], command: str, wall_seconds: float,
                   expected: int) -> str:
    """Markdown of the study from ``run_all``'s results (runs described from their dumped
    configs, compared on their dumped test predictions): Tables 1, 3, 4 and the VC study
    (mean ± std over seeds), the paired differences, what each term acts on, and the
    per-class AP and loss terms of the first seed."""
    records = [load_run(r['work_dir']) for r in results]
    summaries = summarise_runs(records)
    runs = [PredictedRun(rec.info.method, rec.info.setting, rec.info.seed,
                         osp.join(rec.work_dir, PREDICTIONS_FILE)) for rec in records]
    groups = load_groups(runs)
    num_test = split_size(groups)
    seeds = sorted({r['seed'] for r in results})
    known = [r['run_seconds'] for r in results if r.get('run_seconds') is not None]
    parts = [
        '# Evidence study on the synthetic set (generated; do not edit)\n',
        f'Made by: {command}, on {machine_line()}: {len(results)} of the {expected} runs '
        f'finished ({len(seeds)} seeds: {", ".join(map(str, seeds))}). Training and testing '
        f'took {sum(known) / 60:.1f} min of wall time summed over the {len(known)} runs that '
        f'recorded it (`timing.json`; two processes train side by side); this invocation took '
        f'{wall_seconds / 60:.1f} min (finished runs are reused). Every run is tested on the '
        f'same {num_test} test recordings at its last epoch, without checkpoint selection.\n',
        'A comparison a − b pairs the runs of a and b seed by seed and gives the mean over '
        'seeds of the mAP difference with a 95 % interval from a paired bootstrap over the test '
        f'recordings ({NUM_RESAMPLES} draws; every seed and both runs scored on the same drawn '
        'recordings; frame mAP takes all frames of the drawn recordings). A difference is '
        'claimed only where its interval excludes 0 (columns "seq" and "frame").\n',
        demote(table1(summaries)),
        *(demote(table) for table in (table3(summaries), table4(summaries),
                                      vc_study_table(summaries), vfl_table(summaries))
          if table is not None),
        '## Paired differences (mAP points)\n',
        comparison_table(comparison_rows(groups, NUM_RESAMPLES)) + '\n',
        '## What each term acts on (test split, mean over seeds [95 % bootstrap interval])\n',
        'JS between two views\' class distributions (softmax of the per-view readings) on '
        '(pair, frame) entries where both views see a person (view consistency\'s target) and '
        'on the others; KL(teacher ‖ student) of the fused frame distributions at τ = 4 '
        '(logit distillation\'s target, against the Teacher of the same seed); per-view top-1 '
        'on visible labelled frames (whether the readings VC compares are informative). '
        'FD attn / FD av: squared distance of the student\'s F_attn / F_AV to the teacher\'s, '
        'mean over channels (Eq. 7, feature distillation\'s target); cos(F̂_A, F_A): cosine of '
        'the adapter\'s pseudo-audio to the teacher\'s audio features (the adapter\'s target); '
        f'measured for {", ".join(GAP_METHODS)} (`tools/analysis_tools/feature_gaps.py`).\n',
        mechanism_table(mechanism_rows(groups, NUM_RESAMPLES)) + '\n',
    ]
    first = [r for r in results if r['seed'] == seeds[0]]
    parts += [f'## Per-class AP and loss terms (seed {seeds[0]})\n', per_class_section(first),
              terms_section(first)]
    return '\n'.join(p for p in parts if p) + '\n'
