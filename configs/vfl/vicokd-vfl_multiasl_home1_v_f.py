# ViCoKD (MultiASL, Home-1, V_F) with our per-view frame loss on the student and on its
# teacher (./teacher-vfl_multiasl_home1_av_f.py).
_base_ = ['../vicokd/vicokd_multiasl_home1_v_f.py', '../_base_/view_frame_loss.py']
model = dict(
    student=dict(view_frame_loss={{_base_.view_frame_loss}}),
    teacher='{{ fileDirname }}/teacher-vfl_multiasl_home1_av_f.py',
    teacher_ckpt='work_dirs/teacher-vfl_multiasl_home1_av_f/epoch_100.pth')
