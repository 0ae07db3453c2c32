_base_ = '../_base_/distill/distill_multitsf_home1_v_s.py'
model = dict(distill_losses={{_base_.cokd}})
