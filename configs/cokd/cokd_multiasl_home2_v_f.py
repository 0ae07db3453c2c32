_base_ = '../_base_/distill/distill_multiasl_home2_v_f.py'
model = dict(distill_losses={{_base_.cokd}})
