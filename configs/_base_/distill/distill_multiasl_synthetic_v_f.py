# The demo v_f student wrapped in the distiller with the demo teacher. No distill loss yet, but
# every feature distillation (fd) a method config adds here is averaged over D: with Eq. 7's
# sum over D (the default, kept by the real-data configs) distill.fd was ~1900 -> 1100 against
# task losses of ~33, the demo's 140-step CoKD student's task losses hardly moved (loss_seq
# 8.20 -> 8.15) and it scored 24.6 % seq mAP against 30.4 % with the mean (README, "Loss
# scales"). Methods without fd switch it off (fd=None).
_base_ = ['../../demo/student_multiasl_synthetic_v_f.py', '../distill_methods.py']
model = dict(
    _delete_=True,
    type='ViCoKDDistiller',
    student={{_base_.model}},
    teacher='{{ fileDirname }}/../../demo/teacher_multiasl_synthetic_av_f.py',
    teacher_ckpt='work_dirs/teacher_multiasl_synthetic_av_f/epoch_20.pth',
    data_preprocessor={{_base_.model.data_preprocessor}},
    distill_losses=dict(fd=dict(reduction='mean')))
