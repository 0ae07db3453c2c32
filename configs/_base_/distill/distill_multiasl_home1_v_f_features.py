# The feature-cache v_f student of multiasl / home1 wrapped in the distiller with the
# feature-cache teacher (both read the same cache: the teacher's frozen ViT is the student's).
_base_ = ['../../features/student_multiasl_home1_v_f_features.py', '../distill_methods.py']
model = dict(
    _delete_=True,
    type='ViCoKDDistiller',
    student={{_base_.model}},
    teacher='{{ fileDirname }}/../../features/teacher_multiasl_home1_av_f_features.py',
    teacher_ckpt='work_dirs/teacher_multiasl_home1_av_f_features/epoch_100.pth',
    data_preprocessor={{_base_.model.data_preprocessor}},
    distill_losses=dict())
# Validation and test report the frozen teacher too (teacher/seq_mAP, evaluated once per run).
val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TeacherStudentTestLoop')
