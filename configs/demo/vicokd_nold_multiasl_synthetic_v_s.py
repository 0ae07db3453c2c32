# Table 4, w/o LD: feature distillation and view consistency only.
_base_ = './vicokd_multiasl_synthetic_v_s.py'
model = dict(distill_losses=dict(ld=None))
