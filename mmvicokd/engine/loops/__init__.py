"""MMEngine loops: validation and test that report the frozen teacher beside the student."""
from .teacher_metrics import TEACHER_PREFIX, TeacherMetrics
from .teacher_student_test_loop import TeacherStudentTestLoop
from .teacher_student_val_loop import TeacherStudentValLoop

__all__ = ['TeacherStudentValLoop', 'TeacherStudentTestLoop', 'TeacherMetrics',
           'TEACHER_PREFIX']
