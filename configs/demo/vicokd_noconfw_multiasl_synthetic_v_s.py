# Table 4, w/o ConfW: view consistency without the confidence weight w_t.
_base_ = './vicokd_multiasl_synthetic_v_s.py'
model = dict(student=dict(consistency_loss=dict(use_confidence=False)))
