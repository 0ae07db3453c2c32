"""Test of a distiller that also reports its frozen teacher on the test split."""
from typing import Dict, List, Union

from mmaction.registry import LOOPS
from mmengine.evaluator import Evaluator
from mmengine.runner import TestLoop
from torch.utils.data import DataLoader

from .teacher_metrics import TeacherMetrics, run_with_teacher


@LOOPS.register_module()
class TeacherStudentTestLoop(TestLoop):
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

    def __init__(self, runner, dataloader: Union[DataLoader, Dict],
                 evaluator: Union[Evaluator, Dict, List], fp16: bool = False) -> None:
        super().__init__(runner, dataloader, evaluator, fp16)
        self.teacher = TeacherMetrics(runner, self.dataloader, evaluator, fp16,
                                      type(self).__name__)

    def run(self) -> dict:
        """Test the student; add the (cached) teacher metrics; call the hooks."""
        return run_with_teacher(self, 'test')
