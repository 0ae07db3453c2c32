# The v_f student of multitrans / home1 wrapped in the distiller with the AV_F teacher.
_base_ = ['../../student/student_multitrans_home1_v_f.py', '../distill_methods.py']
model = dict(
    _delete_=True,
    type='ViCoKDDistiller',
    student={{_base_.model}},
    teacher='{{ fileDirname }}/../../teacher/teacher_multitrans_home1_av_f.py',
    teacher_ckpt='work_dirs/teacher_multitrans_home1_av_f/epoch_100.pth',
    data_preprocessor={{_base_.model.data_preprocessor}},
    distill_losses=dict())
# Validation and test report the frozen teacher too (teacher/seq_mAP, evaluated once per run).
val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TeacherStudentTestLoop')
