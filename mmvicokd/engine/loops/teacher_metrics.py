"""The frozen teacher's metrics on a loop's split, computed once and kept for every later call.

Shared by :class:`~.TeacherStudentValLoop` and :class:`~.TeacherStudentTestLoop`.
"""
import copy
from typing import Dict, List, Optional, Union

import torch
from mmengine.evaluator import DumpResults, Evaluator
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import autocast
from mmengine.runner.loops import _parse_losses
from torch import nn
from torch.utils.data import DataLoader

TEACHER_PREFIX = 'teacher/'


def distiller_of(model: nn.Module, loop: str) -> nn.Module:
    """The distiller inside ``model`` (unwrapped from DDP); an error if it has no teacher."""
    module = model.module if is_model_wrapper(model) else model
    if not callable(getattr(module, 'teacher_predict_step', None)):
        raise TypeError(f'{loop} reports the frozen teacher beside the student, so it needs a '
                        f'distiller (ViCoKDDistiller, with teacher_predict_step), got '
                        f'{type(module).__name__}; use ValLoop / TestLoop for other models')
    return module


def teacher_evaluator(runner, evaluator: Union[Evaluator, dict, List[dict]]) -> Evaluator:
    """A fresh evaluator with the metrics of ``evaluator``, less any ``DumpResults`` and
    without decision thresholds.

    ``DumpResults`` (``tools/test.py --dump``) writes the student's predictions to a file; a
    teacher copy would overwrite it with the teacher's. ``MultiLabelMAP``'s ``thresholds`` were
    calibrated for the student's scores (``tools/calibrate.py``), so the teacher reports mAP
    only.
    """
    if isinstance(evaluator, Evaluator):
        built = copy.deepcopy(evaluator)
    else:
        built = runner.build_evaluator(copy.deepcopy(evaluator))
    metrics = [m for m in built.metrics if not isinstance(m, DumpResults)]
    for metric in metrics:
        if getattr(metric, 'thresholds', None) is not None:
            metric.thresholds = None
    return Evaluator(metrics)


class TeacherMetrics:
    """Evaluate the distiller's frozen teacher on a dataloader the first time it is asked.

    The teacher never changes during a run, so its metrics are computed once (one pass of the
    teacher over ``dataloader``, with the teacher's own audio-visual inputs from the batch) and
    every later :meth:`metrics` returns the same dict. Under DDP every rank runs its share and
    the evaluator collects them, as for the student.

    Args:
        runner: the MMEngine Runner; ``runner.model`` is a ``ViCoKDDistiller`` (or DDP of one).
        dataloader: the loop's built dataloader (the student's split).
        evaluator: the loop's evaluator config or object; the teacher gets a fresh copy.
        fp16: run the teacher under autocast, as the loop runs the student.
        loop: the loop's name, for error messages.
    """

    def __init__(self, runner, dataloader: DataLoader,
                 evaluator: Union[Evaluator, dict, List[dict]], fp16: bool, loop: str):
        self.distiller = distiller_of(runner.model, loop)
        self.dataloader = dataloader
        self.evaluator = teacher_evaluator(runner, evaluator)
        if hasattr(dataloader.dataset, 'metainfo'):
            self.evaluator.dataset_meta = dataloader.dataset.metainfo
        self.fp16 = fp16
        self._metrics: Optional[Dict[str, object]] = None

    def metrics(self) -> Dict[str, object]:
        """The teacher's metrics, keys prefixed ``teacher/`` (e.g. ``teacher/seq_mAP``)."""
        if self._metrics is None:
            size = len(self.dataloader.dataset)
            print_log(f'Evaluating the frozen teacher once on the {size} samples of this split '
                      '(reused at every later validation)', logger='current')
            for data_batch in self.dataloader:
                with torch.no_grad(), autocast(enabled=self.fp16):
                    outputs = self.distiller.teacher_predict_step(data_batch)
                self.evaluator.process(data_samples=outputs, data_batch=data_batch)
            self._metrics = {TEACHER_PREFIX + k: v
                             for k, v in self.evaluator.evaluate(size).items()}
        return dict(self._metrics)


def run_with_teacher(loop, stage: str) -> Dict[str, object]:
    """MMEngine's ``ValLoop.run`` / ``TestLoop.run`` (``stage`` 'val' or 'test') with the
    teacher's cached metrics (``loop.teacher``) merged in before ``after_<stage>_epoch``."""
    runner = loop.runner
    runner.call_hook(f'before_{stage}')
    runner.call_hook(f'before_{stage}_epoch')
    runner.model.eval()
    losses = getattr(loop, f'{stage}_loss')
    losses.clear()
    for idx, data_batch in enumerate(loop.dataloader):
        loop.run_iter(idx, data_batch)
    metrics = loop.evaluator.evaluate(len(loop.dataloader.dataset))
    if losses:
        metrics.update(_parse_losses(losses, stage))
    metrics.update(loop.teacher.metrics())
    runner.call_hook(f'after_{stage}_epoch', metrics=metrics)
    runner.call_hook(f'after_{stage}')
    return metrics


class TeacherLoopMixin:
    """Mixed into MMEngine's ``ValLoop`` / ``TestLoop``: builds ``self.teacher``
    (:class:`TeacherMetrics`) on the loop's dataloader and evaluator config."""

    def __init__(self, runner, dataloader, evaluator, fp16: bool = False) -> None:
        super().__init__(runner, dataloader, evaluator, fp16)
        self.teacher = TeacherMetrics(runner, self.dataloader, evaluator, fp16,
                                      type(self).__name__)

