# ViCoKD (CoKD's feature and logit distillation + view-aware consistency) on cached features.
_base_ = '../_base_/distill/distill_multiasl_home1_v_f_features.py'
model = dict(distill_losses={{_base_.cokd}}, student=dict(consistency_loss={{_base_.vc}}))
