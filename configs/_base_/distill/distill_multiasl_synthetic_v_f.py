# The demo v_f student wrapped in the distiller with the demo teacher; method configs add the
# distillation losses of ../distill_methods.py.
_base_ = ['../../demo/student_multiasl_synthetic_v_f.py', '../distill_methods.py']
model = dict(
    _delete_=True,
    type='ViCoKDDistiller',
    student={{_base_.model}},
    teacher='{{ fileDirname }}/../../demo/teacher_multiasl_synthetic_av_f.py',
    teacher_ckpt='work_dirs/teacher_multiasl_synthetic_av_f/epoch_20.pth',
    data_preprocessor={{_base_.model.data_preprocessor}})
# Validation and test report the frozen teacher too (teacher/seq_mAP, evaluated once per run).
val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TeacherStudentTestLoop')
