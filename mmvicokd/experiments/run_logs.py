"""Read what MMEngine left in a run's work dir: config, validation curve, test metrics.

A work dir written by ``tools/train.py`` / ``tools/test.py`` (MMEngine's Runner) holds one
``<timestamp>/`` folder per Runner start (``YYYYMMDD_HHMMSS``) with ``vis_data/config.py`` (the
dumped config) and ``vis_data/scalars.json`` (one JSON object per line: training entries, and
validation entries holding ``seq_mAP``, ``frame_mAP`` and ``step`` = epoch); a test run also
writes ``<timestamp>/<timestamp>.json`` with its metrics. ``tools/demo.py`` adds
``<work_dir>/test_metrics.json``.

The metrics of a run are, first found: ``test_metrics.json``; the newest test log; the last
validation entry (the protocol reports the last epoch, docs/design.md section 5). Each record says
which one it used. A resumed run spreads its curve over several timestamp folders: they are
merged, a later folder winning for an epoch logged twice.

A distiller's validation and test loops (``TeacherStudentValLoop`` / ``TeacherStudentTestLoop``)
log the frozen teacher's metrics beside the student's, as ``teacher/seq_mAP`` and
``teacher/frame_mAP``; they are read from the same entry when present.
"""
import glob
import json
import os
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

from .run_info import RunInfo, describe_run

METRICS = ('seq_mAP', 'frame_mAP')
TEACHER_METRICS = tuple('teacher/' + m for m in METRICS)  # the teacher/ prefix of the loops
TEST_METRICS_FILE = 'test_metrics.json'
_TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')


@dataclass
class RunRecord:
    """One run as the report sees it.

    Attributes:
        work_dir: the run's work dir.
        config_file: the config it was described from.
        info: method, setting, backbone, data, seed.
        metrics: ``seq_mAP`` and ``frame_mAP`` in percent, plus ``teacher/seq_mAP`` and
            ``teacher/frame_mAP`` when the run logged its teacher's.
        source: where ``metrics`` came from (a file, or the validation epoch).
        curve: ``{epoch: {'seq_mAP': x, 'frame_mAP': y}}`` from the validation entries.
    """

    work_dir: str
    config_file: str
    info: RunInfo
    metrics: Dict[str, float]
    source: str
    curve: Dict[int, Dict[str, float]] = field(default_factory=dict)


def timestamp_dirs(work_dir: str) -> List[str]:
    """The Runner's ``<timestamp>/`` folders of ``work_dir``, oldest first."""
    if not osp.isdir(work_dir):
        return []
    return sorted(entry.path for entry in os.scandir(work_dir)
                  if entry.is_dir() and _TIMESTAMP.match(entry.name))


def is_run_dir(path: str) -> bool:
    """True if ``path`` holds a dumped config of an MMEngine run."""
    return any(osp.isfile(osp.join(d, 'vis_data', 'config.py')) for d in timestamp_dirs(path))


def expand_work_dirs(paths: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Runs named by ``paths``: each is a run's work dir, or a folder of such work dirs.

    Returns:
        ``(run dirs, skipped)``: skipped lists sub-folders of a parent that hold no run
        (e.g. ``work_dirs/demo``, which holds only the demo's table).

    Raises:
        FileNotFoundError: a path is not a folder.
        ValueError: a path is neither a run nor holds any run.
    """
    runs, skipped = [], []
    for path in paths:
        if not osp.isdir(path):
            raise FileNotFoundError(f'work dir {path!r} does not exist')
        if is_run_dir(path):
            runs.append(path)
            continue
        children = sorted(glob.glob(osp.join(path, '*', '')))
        found = [c.rstrip('/') for c in children if is_run_dir(c)]
        if not found:
            raise ValueError(f'{path!r} is not an MMEngine work dir (no <timestamp>/vis_data/'
                             'config.py) and holds none')
        runs += found
        skipped += [c.rstrip('/') for c in children if not is_run_dir(c)]
    return runs, skipped


def read_json_lines(path: str) -> List[dict]:
    """The JSON objects of a file with one per line (blank lines skipped)."""
    records = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f'{path}, line {number}: not JSON ({err})') from err
    return records


def _with_teacher(record: dict) -> Dict[str, float]:
    """``METRICS`` of a log entry that holds them, plus the ``TEACHER_METRICS`` it holds."""
    return {k: float(record[k]) for k in METRICS + TEACHER_METRICS if k in record}


def validation_curve(work_dir: str) -> Dict[int, Dict[str, float]]:
    """``{epoch: metrics}`` of every validation entry in the run's ``scalars.json`` files
    (with the teacher's metrics where logged)."""
    curve = {}
    for folder in timestamp_dirs(work_dir):
        path = osp.join(folder, 'vis_data', 'scalars.json')
        if not osp.isfile(path):
            continue
        for record in read_json_lines(path):
            if 'step' in record and all(k in record for k in METRICS):
                curve[int(record['step'])] = _with_teacher(record)
    return dict(sorted(curve.items()))


def _metrics_of(path: str, record: dict) -> Dict[str, float]:
    missing = [k for k in METRICS if k not in record]
    if missing:
        raise KeyError(f'{path} has no {missing} (it holds {sorted(record)})')
    return _with_teacher(record)


def final_metrics(work_dir: str, curve: Dict[int, Dict[str, float]]
                  ) -> Tuple[Dict[str, float], str]:
    """``(metrics, source)`` of a run, in the order of the module docstring."""
    path = osp.join(work_dir, TEST_METRICS_FILE)
    if osp.isfile(path):
        with open(path) as f:
            return _metrics_of(path, json.load(f)), TEST_METRICS_FILE
    for folder in reversed(timestamp_dirs(work_dir)):
        log = osp.join(folder, osp.basename(folder) + '.json')
        if osp.isfile(log):
            records = [r for r in read_json_lines(log) if all(k in r for k in METRICS)]
            if records:
                return _metrics_of(log, records[-1]), osp.relpath(log, work_dir)
    if curve:
        epoch = max(curve)
        return dict(curve[epoch]), f'validation, epoch {epoch}'
    raise ValueError(f'work dir {work_dir!r}: no metrics: no {TEST_METRICS_FILE}, no test log '
                     '(<timestamp>/<timestamp>.json of tools/test.py) and no validation entry '
                     'in vis_data/scalars.json')


def run_config_file(work_dir: str) -> str:
    """The newest dumped config of the run (``<timestamp>/vis_data/config.py``)."""
    for folder in reversed(timestamp_dirs(work_dir)):
        path = osp.join(folder, 'vis_data', 'config.py')
        if osp.isfile(path):
            return path
    raise FileNotFoundError(f'work dir {work_dir!r} holds no dumped config '
                            '(<timestamp>/vis_data/config.py)')


def load_run(work_dir: str) -> RunRecord:
    """Describe and score one run (see the module docstring)."""
    from mmengine.config import Config

    config_file = run_config_file(work_dir)
    try:
        cfg = Config.fromfile(config_file)
    except Exception as err:  # MMEngine's own parse error, re-raised naming the file
        raise RuntimeError(f'cannot read the dumped config {config_file}: {err}') from err
    info = describe_run(cfg, where=config_file)
    curve = validation_curve(work_dir)
    metrics, source = final_metrics(work_dir, curve)
    return RunRecord(work_dir=work_dir, config_file=config_file, info=info, metrics=metrics,
                     source=source, curve=curve)
