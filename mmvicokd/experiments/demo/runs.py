"""Which runs the demo and the evidence study train, where they live, and how one runs.

A run is one config of ``configs/demo/`` trained with one seed. Its work dir is
``work_dirs/<config name>`` for seed 0 (where ``tools/train.py`` puts it and the distillation
configs look for their teacher) and ``work_dirs/seed<k>/<config name>`` for the other
seeds; a distiller reads the final checkpoint of the teacher trained with the same seed. A run
whose ``test_metrics.json`` exists is reused, a finished checkpoint without metrics is tested,
and an interrupted run resumes from its last checkpoint.
"""
import json
import os
import os.path as osp
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from ...utils.atomic_files import write_json
from ...utils.package_configs import package_config
from ..predictions import PREDICTIONS_FILE
from ..run_info import ABLATION_PREFIX, ABLATIONS

METRICS_FILE = 'test_metrics.json'
TIMING_FILE = 'timing.json'


@dataclass(frozen=True)
class DemoRun:
    """One demo config: its method name (as :mod:`..run_info` describes the config), setting
    (AV_F, V_F, V_S) and table."""

    method: str
    setting: str
    config: str  # name in configs/demo/ with '{bb}' for the backbone
    table: str  # 'table1', 'table3', 'table4', 'vc_study' or 'vfl'
    teacher: Optional['DemoRun'] = None  # a distiller's teacher run (default: TEACHER)

    def name(self, backbone: str) -> str:
        return self.config.format(bb=backbone)

    @property
    def is_teacher(self) -> bool:
        return self.setting == 'AV_F'


def _both(method: str, stem: str, table: str) -> List[DemoRun]:
    return [DemoRun(method, setting, f'{stem}_{{bb}}_synthetic_{setting.lower()}', table)
            for setting in ('V_F', 'V_S')]


TEACHER = DemoRun('Teacher', 'AV_F', 'teacher_{bb}_synthetic_av_f', 'table1')
TEACHER_VC = DemoRun('Teacher+VC', 'AV_F', 'teacher_vc_{bb}_synthetic_av_f', 'table3')
#: ours, opt-in: the per-view frame loss (configs/_base_/view_frame_loss.py) on the teacher,
#: and on ViCoKD V_F distilled from that teacher
TEACHER_VFL = DemoRun('Teacher+VFL', 'AV_F', 'study/teacher-vfl_{bb}_synthetic_av_f', 'vfl')
VICOKD_VFL = DemoRun('ViCoKD+VFL', 'V_F', 'study/vicokd-vfl_{bb}_synthetic_v_f', 'vfl',
                     teacher=TEACHER_VFL)
#: ``make demo``: the teacher, then Student, LogitKD, CoKD and ViCoKD under V_F and V_S.
DEMO_RUNS = [TEACHER, *_both('Student', 'student', 'table1'),
             *_both('LogitKD', 'logitkd', 'table1'), *_both('CoKD', 'cokd', 'table1'),
             *_both('ViCoKD', 'vicokd', 'table1')]
#: ``--study`` (on the 'study' preset): every method of Table 1, our per-view frame loss
#: (Teacher+VFL, ViCoKD+VFL), the teacher with view consistency (Table 3), the ablations of
#: Table 4, and view consistency studied under V_S: weight 10 and 100, and gradient through w
#: (``configs/demo/study/``).
STUDY_RUNS = [*DEMO_RUNS, TEACHER_VFL, VICOKD_VFL, *_both('ModalKD', 'modalkd', 'table1'),
              *_both('DualKD', 'dualkd', 'table1'),
              TEACHER_VC,
              *(run for ablation, stem in zip(ABLATIONS,
                                              ('noconfw', 'nomask', 'kl', 'nofd', 'nold'))
                for run in _both(ABLATION_PREFIX + ablation, f'vicokd_{stem}', 'table4')),
              *(DemoRun(method, 'V_S', f'study/vicokd_{stem}_{{bb}}_synthetic_v_s', 'vc_study')
                for method, stem in (('ViCoKD (VC×10)', 'vc10'), ('ViCoKD (VC×100)', 'vc100'),
                                     ('ViCoKD (w with grad)', 'wgrad')))]


def work_dir(name: str, seed: int, root: str = 'work_dirs') -> str:
    """Work dir of config ``name`` trained with ``seed`` (see the module docstring)."""
    if seed == 0:
        return osp.join(root, name)
    return osp.join(root, f'seed{seed}', name)


def final_checkpoint(cfg) -> str:
    """The checkpoint a finished run of ``cfg`` leaves: ``epoch_<max_epochs>.pth``."""
    return osp.join(cfg.work_dir, f'epoch_{cfg.train_cfg.max_epochs}.pth')


def relocate_data(cfg, data_dir: str) -> None:
    """Point ``cfg`` (in place) at a synthetic set in ``data_dir`` instead of the configured
    one: ``data_root`` = ``<data_dir>/Home1`` and the frame cache ``<data_dir>/<cache folder
    name>`` (top-level variables, every data loader and every ``LoadMultiViewCache``)."""
    root = osp.join(data_dir, osp.basename(cfg.data_root))
    cache = osp.join(data_dir, osp.basename(cfg.frame_cache_dir))
    cfg.data_root, cfg.frame_cache_dir = root, cache
    for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[split].dataset
        dataset.data_root = root
        for step in dataset.pipeline:
            if step['type'] == 'LoadMultiViewCache':
                step['cache_dir'] = cache


def set_epochs(cfg, epochs: int) -> None:
    """Retime ``cfg`` (in place) to ``epochs`` training epochs: the train loop, every scheduler
    that ended at the old last epoch (a cosine's ``T_max`` with it) and a checkpoint interval
    equal to the old length."""
    old = cfg.train_cfg.max_epochs
    if epochs < 1:
        raise ValueError(f'epochs must be at least 1, got {epochs}')
    cfg.train_cfg.max_epochs = epochs
    for scheduler in cfg.get('param_scheduler') or []:
        if scheduler.get('end') == old:
            scheduler['end'] = epochs
            if 'T_max' in scheduler:
                scheduler['T_max'] = epochs - scheduler.get('begin', 0)
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint')
    if checkpoint is not None and checkpoint.get('interval') == old:
        checkpoint['interval'] = epochs


def load_run_config(name: str, seed: int, backbone: str, cfg_options: Optional[Dict] = None,
                    root: str = 'work_dirs', data_dir: Optional[str] = None,
                    epochs: Optional[int] = None, teacher: Optional[DemoRun] = None):
    """The config of one run: ``configs/demo/<name>.py`` + overrides, seed and work dir.

    A distiller's ``teacher_ckpt`` is pointed at the final checkpoint of the run of ``teacher``
    (default :data:`TEACHER`) with the same seed (so changing the demo's epochs needs no config edit). ``data_dir`` moves the
    data (:func:`relocate_data`). ``epochs`` retimes the run (:func:`set_epochs`; the teacher
    a distiller reads keeps its own) and gives it its own work dir, ``<name>_<epochs>e``.
    """
    from mmengine.config import Config
    cfg = Config.fromfile(package_config(f'demo/{name}.py'))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if data_dir is not None:
        relocate_data(cfg, data_dir)
    cfg.randomness = dict(cfg.get('randomness', {}), seed=seed)
    cfg.work_dir = work_dir(name, seed, root)
    if epochs is not None:
        set_epochs(cfg, epochs)
        cfg.work_dir = work_dir(f'{name}_{epochs}e', seed, root)
    if cfg.model.get('type') == 'ViCoKDDistiller':
        teacher_cfg = load_run_config((teacher or TEACHER).name(backbone), seed, backbone,
                                      cfg_options, root, data_dir)
        cfg.model.teacher_ckpt = final_checkpoint(teacher_cfg)
    return cfg


def _label(cfg) -> str:
    return f'[demo] {osp.basename(cfg.work_dir)} (seed {cfg.randomness.seed})'


def train_and_test(cfg, log=print, live: bool = False,
                   since: Optional[float] = None) -> Dict[str, float]:
    """Train (or resume) and test one run with MMEngine's Runner; returns its test metrics.

    The metrics are written to ``<work_dir>/test_metrics.json`` (atomically), which marks the
    run as finished; the test samples' predictions to ``test_predictions.pkl`` (MMEngine's
    ``DumpResults``); the wall seconds of this call to ``timing.json`` (a resumed run counts
    only its last part). Everything the run prints goes to ``<work_dir>/console.log``
    (:mod:`.console`); ``log`` gets one line when it ends (``live``: a progress line on a
    terminal while it trains), or the tail of that log when it fails. A run another process
    finished after ``since`` (a time stamp) is returned without a line (that process logged it).
    """
    from .console import CONSOLE_LOG, RunProgress, captured_output, failure_message
    start = time.time()
    metrics_file = osp.join(cfg.work_dir, METRICS_FILE)
    label = _label(cfg)
    if osp.isfile(metrics_file):
        if since is None or osp.getmtime(metrics_file) < since:
            log(f'{label}: finished before, reusing {metrics_file}')
        with open(metrics_file) as f:
            return json.load(f)
    evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, (list, tuple)) \
        else [cfg.test_evaluator]
    cfg.test_evaluator = [*evaluators, dict(type='AtomicDumpResults', out_file_path=osp.join(
        cfg.work_dir, PREDICTIONS_FILE))]
    ckpt = final_checkpoint(cfg)
    console_log = osp.join(cfg.work_dir, CONSOLE_LOG)
    try:
        with captured_output(console_log) as console:
            from mmengine.runner import Runner
            if osp.isfile(ckpt):
                what = 'tested its finished checkpoint'
                cfg.load_from = ckpt
                runner = Runner.from_cfg(cfg)
            else:
                cfg.resume = osp.isfile(osp.join(cfg.work_dir, 'last_checkpoint'))
                epochs = cfg.train_cfg.max_epochs
                what = (f'{epochs} epoch{"s" if epochs != 1 else ""}' +
                        (' (resumed)' if cfg.resume else ''))
                runner = Runner.from_cfg(cfg)
                runner.register_hook(RunProgress(console, label, live))
                runner.train()
            metrics = {k: float(v) for k, v in runner.test().items()}
    except BaseException:
        log(failure_message(label, console_log))
        raise
    seconds = round(time.time() - start, 1)
    write_json(osp.join(cfg.work_dir, TIMING_FILE), dict(seconds=seconds, pid=os.getpid()))
    write_json(metrics_file, metrics)
    score = metrics.get('seq_mAP', metrics.get('teacher/seq_mAP'))
    log(f'{label}: {what}, seq mAP {score:.2f} %, {seconds:.0f} s' if score is not None
        else f'{label}: {what}, {seconds:.0f} s')
    return metrics


def run_seconds(work_dir: str) -> Optional[float]:
    """Wall seconds the run took to train and test (``timing.json``), None if unknown."""
    path = osp.join(work_dir, TIMING_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return float(json.load(f)['seconds'])


def _finished(work_dir_: str) -> bool:
    return osp.isfile(osp.join(work_dir_, METRICS_FILE))


def run_all(runs: Sequence[DemoRun], seeds: Sequence[int], backbone: str,
            cfg_options: Optional[Dict] = None, root: str = 'work_dirs',
            data_dir: Optional[str] = None, log=print,
            finished_only: bool = False, poll_seconds: float = 10.0,
            student_epochs: Optional[int] = None, live: bool = False) -> List[dict]:
    """Train and test ``runs`` for every seed (teachers first within a seed).

    Several processes may run this over the same ``root`` at once: each run is claimed with a
    :class:`RunLock`, a distiller waits until the teacher of its seed has finished, and a
    process waits (polling every ``poll_seconds``) while the runs it still needs are held by
    others. With ``finished_only`` nothing is trained: only the runs that have their
    ``test_metrics.json`` are returned, and the others are logged as missing.
    ``student_epochs`` retimes every run but the teachers (:func:`load_run_config`).
    ``live``: this process draws the progress line of the run it trains (:func:`train_and_test`).

    Returns:
        one result per run and seed, in the order of ``runs`` (teachers first) and ``seeds``:
        ``method``, ``setting``, ``table``, ``seed``, ``config`` (path), ``work_dir``,
        ``metrics``, ``seconds`` (wall time in this process) and ``run_seconds`` (of the call
        that trained it, :func:`run_seconds`).
    """
    from .run_lock import RunLock
    since = time.time()
    # run-major: every seed of a run before the next run, teachers first, so that an
    # interrupted benchmark has its first tables complete over seeds
    order = [(seed, run) for run in sorted(runs, key=lambda r: not r.is_teacher)
             for seed in seeds]
    configs = {key: load_run_config(key[1].name(backbone), key[0], backbone, cfg_options, root,
                                    data_dir, None if key[1].is_teacher else student_epochs,
                                    key[1].teacher)
               for key in order}
    done: Dict[tuple, tuple] = {}
    pending = list(order)
    while pending:
        for key in pending:
            seed, run = key
            cfg = configs[key]
            if finished_only:
                if _finished(cfg.work_dir):
                    done[key] = (train_and_test(cfg, log, since=since), 0.0)
                else:
                    log(f'[demo] {run.name(backbone)} (seed {seed}): not finished, left out')
                    done[key] = None
                break
            teacher_key = (seed, run.teacher or TEACHER)
            teacher_dir = configs[teacher_key].work_dir if teacher_key in configs else None
            if (cfg.model.get('type') == 'ViCoKDDistiller' and teacher_dir is not None
                    and not _finished(teacher_dir) and not _finished(cfg.work_dir)):
                continue  # its teacher is being trained by another process
            lock = RunLock(cfg.work_dir)
            if not _finished(cfg.work_dir) and not lock.acquire():
                continue
            with lock:
                start = time.time()
                metrics = train_and_test(cfg, log, live, since)
            done[key] = (metrics, round(time.time() - start, 1))
            break
        else:
            time.sleep(poll_seconds)  # the runs still needed are held by other processes
            continue
        pending = [key for key in pending if key not in done]
    results = []
    for key in order:
        if done.get(key) is None:
            continue
        (seed, run), (metrics, seconds) = key, done[key]
        name = run.name(backbone)
        results.append(dict(method=run.method, setting=run.setting, table=run.table,
                            seed=seed, config=f'configs/demo/{name}.py',
                            work_dir=configs[key].work_dir, metrics=metrics, seconds=seconds,
                            run_seconds=run_seconds(configs[key].work_dir)))
    return results
