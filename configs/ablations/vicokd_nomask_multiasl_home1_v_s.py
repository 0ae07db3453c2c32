# Table 4, w/o Mask: view consistency on every frame, ignoring human detection.
_base_ = '../vicokd/vicokd_multiasl_home1_v_s.py'
model = dict(student=dict(consistency_loss=dict(use_mask=False)))
