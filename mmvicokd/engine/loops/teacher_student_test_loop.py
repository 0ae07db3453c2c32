"""Test of a distiller that also reports its frozen teacher on the test split."""
from mmaction.registry import LOOPS
from mmengine.runner import TestLoop

from .teacher_metrics import TeacherLoopMixin, run_with_teacher


@LOOPS.register_module()
class TeacherStudentTestLoop(TeacherLoopMixin, TestLoop):
    """``TestLoop`` whose metrics also hold the teacher's, under ``teacher/`` (``teacher/seq_mAP``).

    The student is tested as by MMEngine's ``TestLoop``; the frozen teacher is run once over the
    same dataloader with its own audio-visual inputs and a fresh copy of the evaluator (less
    ``DumpResults``: ``--dump`` keeps the student's predictions), and its metrics are merged in
    before ``after_test_epoch``, so the test log and ``runner.test()`` hold both.

    Args:
        runner: the Runner; its model must be a ``ViCoKDDistiller``.
        dataloader: test dataloader (object or config).
        evaluator: test evaluator (object, config or list of configs).
        fp16: test under autocast (student and teacher).
    """

    def run(self) -> dict:
        """Test the student; add the (cached) teacher metrics; call the hooks."""
        return run_with_teacher(self, 'test')
