# Paper Table 3: the teacher trained with the view-aware consistency loss as well.
_base_ = ['../teacher/teacher_multiasl_home1_av_f.py', '../_base_/distill_methods.py']
model = dict(consistency_loss={{_base_.vc}})
