# Demo teacher (AV_F) on the synthetic set: tiny encoders trained from scratch, short schedule.
_base_ = [
    '../_base_/models/multiasl.py', '../_base_/datasets/synthetic.py',
    '../_base_/schedules/adam_cosine_100e.py', '../_base_/default_runtime.py'
]
embed_dim = 48
max_epochs = 20
model = dict(
    visual_encoder=dict(
        arch='vit_tiny_patch16_224', img_size=64, checkpoint=None, embed_dim=embed_dim,
        depth=2, num_heads=4),
    audio_encoder=dict(embed_dim=embed_dim, depth=2, num_heads=4, fstride=16, tstride=16))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=1e-5, by_epoch=True, begin=0,
         end=max_epochs)
]
default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
