# Teacher (MultiASL, Home-1, AV_F) + our per-view frame loss (../_base_/view_frame_loss.py).
_base_ = ['../teacher/teacher_multiasl_home1_av_f.py', '../_base_/view_frame_loss.py']
model = dict(view_frame_loss={{_base_.view_frame_loss}})
