# Home-1 read from the encoder-feature cache (docs/design.md sections 3 and 8): for models whose
# encoders are frozen, the ViT (and the teacher's AST) run once per recording instead of every
# epoch, and no video is decoded while training. Build the cache once with a teacher config
# (it holds visual and audio features; students and distillers read the same cache):
#   python tools/extract_features.py configs/features/teacher_multiasl_home1_av_f_features.py \
#       --out data/MultiSensor-Home/Home1/features
# A stale cache (other encoder weights or settings, changed view files) is an error that says
# how to rebuild it; FeatureCacheCheckHook checks the model's frozen encoders against it.
_base_ = './multisensor_home1.py'
feature_dir = 'data/MultiSensor-Home/Home1/features'

train_pipeline = [
    dict(type='MultiViewFeatureInit', cache_dir=feature_dir),
    dict(type='SampleMultiViewFrames', clip_len={{_base_.clip_len}}, fps={{_base_.fps}},
         test_mode=False),
    dict(type='LoadMultiViewFeatures', keys=('visual', 'audio')),
    dict(type='LoadFrameLabels'),
    dict(type='LoadHumanMasks'),
    dict(type='PackMultiViewInputs', keys=('visual_feat', 'audio_feat')),
]
test_pipeline = [
    dict(type='MultiViewFeatureInit', cache_dir=feature_dir),
    dict(type='SampleMultiViewFrames', clip_len={{_base_.clip_len}}, fps={{_base_.fps}},
         test_mode=True),
    dict(type='LoadMultiViewFeatures', keys=('visual', 'audio')),
    dict(type='LoadFrameLabels'),
    dict(type='LoadHumanMasks'),
    dict(type='PackMultiViewInputs', keys=('visual_feat', 'audio_feat')),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
custom_hooks = [dict(type='FeatureCacheCheckHook')]
