# Table 4, JS -> KL: the consistency divergence replaced by KL(p_i || p_j).
_base_ = './vicokd_multiasl_synthetic_v_s.py'
model = dict(student=dict(consistency_loss=dict(divergence='kl')))
