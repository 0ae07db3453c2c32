_base_ = '../_base_/distill/distill_multiasl_synthetic_v_f.py'
model = dict(distill_losses={{_base_.logitkd}})
