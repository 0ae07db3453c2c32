_base_ = '../_base_/distill/distill_multitrans_home1_v_s.py'
model = dict(distill_losses={{_base_.modalkd}})
