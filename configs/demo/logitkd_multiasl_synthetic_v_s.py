_base_ = '../_base_/distill/distill_multiasl_synthetic_v_s.py'
model = dict(distill_losses=dict(fd=None, ld={{_base_.ld}}))
