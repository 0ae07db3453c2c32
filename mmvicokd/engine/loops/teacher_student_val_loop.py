"""Validation of a distiller that also reports its frozen teacher, computed once per run."""
from mmaction.registry import LOOPS
from mmengine.runner import ValLoop

from .teacher_metrics import TeacherLoopMixin, run_with_teacher


@LOOPS.register_module()
class TeacherStudentValLoop(TeacherLoopMixin, ValLoop):
    """``ValLoop`` whose metrics also hold the teacher's, under ``teacher/`` (``teacher/seq_mAP``).

    The student is validated as by MMEngine's ``ValLoop`` (same hooks, same evaluator). The
    frozen teacher is run over the same dataloader with its own audio-visual inputs and a
    fresh copy of the evaluator the first time the loop runs; its metrics are kept and merged
    into every validation's metrics before ``after_val_epoch``, so the logger writes them
    beside the student's (``scalars.json``) and the teacher costs one pass per run.

    Args:
        runner: the Runner; its model must be a ``ViCoKDDistiller``.
        dataloader: validation dataloader (object or config).
        evaluator: validation evaluator (object, config or list of configs).
        fp16: validate under autocast (student and teacher).
    """

    def run(self) -> dict:
        """Validate the student; add the (cached) teacher metrics; call the hooks."""
        return run_with_teacher(self, 'val')
