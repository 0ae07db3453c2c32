# Paper Table 3 on the synthetic set: the demo teacher trained with view-aware consistency too.
_base_ = ['./teacher_multiasl_synthetic_av_f.py', '../_base_/distill_methods.py']
model = dict(consistency_loss={{_base_.vc}})
