"""The demo's figures from its finished runs, and each run's frame F1 at calibrated thresholds.

:func:`draw_demo_figures` writes into the demo's work dir:

- ``curves.png``: test mAP by epoch, one panel per setting (Fig. 3 style; the curves of
  ``tools/report.py``, :func:`mmvicokd.experiments.curves.curves_figure`);
- ``attention.png``: the Teacher (AV_F), the Student (V_F) and ViCoKD (V_F) on one test
  recording, every view at the middle frame of its longest action (Fig. 4 style; the grid of
  ``tools/vis_attention.py``, :func:`mmvicokd.apis.attention_grid.attention_grid`);
- ``timeline.png``: ViCoKD (V_F) scoring that recording whole (``tools/infer.py``'s sliding
  windows), decided at thresholds calibrated without it (on the other recordings' test-pipeline
  frame scores), against its ground truth
  (:func:`mmvicokd.visualization.timeline.timeline_figure`).

The recording is the test recording with the most distinct classes (the first by id among
ties) unless one is named. The demo has a training and a test split only, so its thresholds
come from the other test recordings (leave one recording out;
:mod:`mmvicokd.experiments.cross_fitted_f1` says why neither the test split as a whole nor the
training split); :func:`demo_frame_f1` gives every run's frame F1 / precision / recall at such
thresholds.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..cross_fitted_f1 import METHOD, cross_fitted_f1
from ..predictions import PREDICTIONS_FILE, load_predictions
from ..run_logs import RunRecord, load_run

#: the rows of the attention grid: (method, setting)
ATTENTION_RUNS = (('Teacher', 'AV_F'), ('Student', 'V_F'), ('ViCoKD', 'V_F'))
TIMELINE_RUN = ('ViCoKD', 'V_F')


def final_checkpoint(record: RunRecord) -> str:
    """``<work_dir>/epoch_<max_epochs>.pth`` of a finished run (its dumped config's epochs)."""
    from mmengine.config import Config

    epochs = Config.fromfile(record.config_file).train_cfg.max_epochs
    path = osp.join(record.work_dir, f'epoch_{epochs}.pth')
    if not osp.isfile(path):
        raise FileNotFoundError(f'run {record.work_dir} has no final checkpoint {path}')
    return path


def _pick(records: Sequence[RunRecord], method: str, setting: str) -> RunRecord:
    """The run of ``method`` / ``setting`` with the lowest seed."""
    found = [r for r in records if (r.info.method, r.info.setting) == (method, setting)]
    if not found:
        raise ValueError(f'the demo figures need a {method} ({setting}) run; the work dirs '
                         f'given hold {sorted({(r.info.method, r.info.setting) for r in records})}')
    return min(found, key=lambda r: r.info.seed or 0)


def _recording(predictions, recording: Optional[str]) -> str:
    if recording is None:
        return predictions.ids[int(np.argmax(predictions.seq_labels.sum(1)))]
    if recording not in predictions.ids:
        raise KeyError(f'recording {recording!r} is not among the test predictions '
                       f'{predictions.source} (e.g. {predictions.ids[:5]})')
    return recording


def demo_frame_f1(work_dirs: Sequence[str]) -> List[dict]:
    """Frame-level F1 / precision / recall (percent) of every run at calibrated thresholds
    (:func:`mmvicokd.experiments.cross_fitted_f1.cross_fitted_f1` on its
    ``test_predictions.pkl``), beside its frame mAP.

    Returns:
        One dict per run, in the order given: ``method``, ``setting``, ``seed``, ``work_dir``,
        ``frame_mAP``, ``frame_F1``, ``frame_precision``, ``frame_recall``, ``calibration``.
    """
    rows = []
    for work_dir in work_dirs:
        record = load_run(work_dir)
        scores = cross_fitted_f1(load_predictions(osp.join(work_dir, PREDICTIONS_FILE)))
        rows.append(dict(method=record.info.method, setting=record.info.setting,
                         seed=record.info.seed, work_dir=work_dir,
                         frame_mAP=record.metrics['frame_mAP'],
                         **{k: scores[k] for k in ('frame_F1', 'frame_precision',
                                                   'frame_recall')},
                         calibration=METHOD))
    return rows


def _timeline(record: RunRecord, info: dict, thresholds: np.ndarray, device: str):
    from ...apis.decoding_steps import decoding_steps
    from ...apis.model_loading import load_recognizer
    from ...apis.recording_inference import infer_recording
    from ...apis.recording_source import config_classes
    from ...datasets.functional import frame_labels
    from ...visualization.timeline import timeline_figure

    model, cfg = load_recognizer(record.config_file, final_checkpoint(record), device)
    steps = decoding_steps(cfg, use_audio=model.is_teacher, where=record.config_file)
    result = infer_recording(model, steps, info)
    classes = config_classes(cfg)
    times = np.arange(result['num_frames']) / steps.fps
    truth = frame_labels(info['tricks'], result['num_frames'], len(classes), steps.fps)
    title = (f'{record.info.method} ({record.info.setting}) on test recording '
             f'{info["recording_id"]}\nthresholds: per-class F1-optimal on the other test '
             'recordings')
    return timeline_figure(times, result['frame_scores'], result['seq_scores'], classes, title,
                           thresholds=thresholds, truth=truth)


def draw_demo_figures(work_dirs: Sequence[str], out_dir: str,
                      recording: Optional[str] = None, device: str = 'cpu') -> Dict[str, str]:
    """Write ``curves.png``, ``attention.png`` and ``timeline.png`` (module docstring) to
    ``out_dir``.

    Args:
        work_dirs: the demo's finished runs (among them a Teacher AV_F, a Student V_F and a
            ViCoKD V_F run; the lowest seed of each is drawn); ViCoKD's needs its
            ``test_predictions.pkl``.
        out_dir: where the figures go (the demo's work dir).
        recording: a test recording id (default: the one with the most distinct classes).
        device: where the models run.

    Returns:
        ``{'curves': path, 'attention': path, 'timeline': path}``.
    """
    from mmengine.config import Config

    from ...apis.attention_grid import attention_grid
    from ...apis.recording_source import dataset_recording
    from ...visualization.atomic_output import save_figure
    from ...visualization.attention_figure import DPI
    from ..curves import curves_figure
    from ..seed_summary import summarise_runs

    records = [load_run(work_dir) for work_dir in work_dirs]
    written = dict(curves=save_figure(curves_figure(summarise_runs(records)),
                                      osp.join(out_dir, 'curves.png')))
    timeline_run = _pick(records, *TIMELINE_RUN)
    predictions = load_predictions(osp.join(timeline_run.work_dir, PREDICTIONS_FILE))
    rid = _recording(predictions, recording)
    thresholds = cross_fitted_f1(predictions)['thresholds'][rid]
    info = dataset_recording(Config.fromfile(timeline_run.config_file), rid)
    frames = None  # a background recording: its middle frame
    if info['tricks']:
        longest = max(info['tricks'], key=lambda t: t['end'] - t['start'])
        frames = [int(round((longest['start'] + longest['end']) / 2 * info['fps']))]
    rows = [_pick(records, *key) for key in ATTENTION_RUNS]
    figure = attention_grid([(r.config_file, final_checkpoint(r)) for r in rows],
                            [f'{r.info.method} ({r.info.setting})' for r in rows], info, frames,
                            device)
    written['attention'] = save_figure(figure, osp.join(out_dir, 'attention.png'), dpi=DPI)
    written['timeline'] = save_figure(_timeline(timeline_run, info, thresholds, device),
                                      osp.join(out_dir, 'timeline.png'))
    return written
