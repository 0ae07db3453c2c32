# Paper section 4.1: Adam, lr 1e-4, weight decay 5e-4, batch 12, 100 epochs, cosine annealing;
# its floor eta_min=1e-5 is the authors' MultiTSF main.py (the paper states none; docs/design.md,
# "Paper -> this repo", row 3).
max_epochs = 100
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=1e-5, by_epoch=True,
         begin=0, end=max_epochs)
]
auto_scale_lr = dict(enable=False, base_batch_size=12)
