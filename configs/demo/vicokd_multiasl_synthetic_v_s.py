# ViCoKD = CoKD's feature and logit distillation + view-aware consistency on the student.
_base_ = './cokd_multiasl_synthetic_v_s.py'
model = dict(student=dict(consistency_loss={{_base_.vc}}))
