# Table 4, w/o FD: logit distillation and view consistency only.
_base_ = './vicokd_multiasl_synthetic_v_f.py'
model = dict(distill_losses=dict(fd=None))
