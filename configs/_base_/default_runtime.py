default_scope = 'mmaction'
custom_imports = dict(imports=['mmvicokd'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # The protocol reports the last epoch: the validation set is the test split, so nothing
    # selects a checkpoint on it. With a held-out validation split of your own, pass
    #   --cfg-options default_hooks.checkpoint.save_best=seq_mAP
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2, save_best=None,
                    rule='greater', published_keys=None),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
# DDP's per-step graph search for parameters without gradient: off; the few configs whose
# model leaves a parameter untrained set it True (tests/tools/test_ddp_unused_parameters.py).
find_unused_parameters = False
