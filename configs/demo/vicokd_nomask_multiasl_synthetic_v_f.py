# Table 4, w/o Mask: view consistency on every frame, ignoring human detection.
_base_ = './vicokd_multiasl_synthetic_v_f.py'
model = dict(student=dict(consistency_loss=dict(use_mask=False)))
