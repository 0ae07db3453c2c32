# Demo visual-only student (V_F): the teacher's architecture with the adapter in place of the
# audio encoder, trained for half the teacher's epochs (every student of the demo, with or
# without distillation, has this schedule).
_base_ = './teacher_multiasl_synthetic_av_f.py'
model = {{_base_.student_overrides}}
max_epochs = 10
warmup_epochs = 3
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs, eta_min=1e-5,
         by_epoch=True, begin=warmup_epochs, end=max_epochs)
]
default_hooks = dict(checkpoint=dict(interval=max_epochs))
