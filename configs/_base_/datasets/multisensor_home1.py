# MultiSensor-Home, Home-1 (docs/design.md section 2). Point the run at your copy with one flag,
#   python tools/train.py CONFIG --data-root /data/MultiSensor-Home/Home1
# which moves every path derived from `data_root` below (datasets, human masks, caches under it).
# Human masks come from `tools/extract_human_masks.py` (YOLOv10, COCO person).
# Decoding dominates training time (docs/design.md section 8). To decode every recording once instead
# of every epoch, build the frame cache under the data root (frames at 2.5 FPS resized to
# img_size, whole-track fbanks; sizes per format: docs/reproduce_multisensor_home.md, "Cache sizes"):
#   python tools/cache_frames.py --data-root /data/MultiSensor-Home/Home1 \
#       --ann-file train.json test.json --out /data/MultiSensor-Home/Home1/cache_224 --resize 224 \
#       --format jpeg --fbank-dtype float16
# and train with --frame-cache /data/MultiSensor-Home/Home1/cache_224, which replaces
# MultiViewDecordInit by LoadMultiViewCache in every pipeline (docs/reproduce_multisensor_home.md).
dataset_type = 'MultiSensorHomeDataset'
data_root = 'data/MultiSensor-Home/Home1'
ann_file_train = 'train.json'
ann_file_test = 'test.json'
human_mask_file = 'human_masks.json'
clip_len = 70
fps = 2.5
img_size = 224
batch_size = 12

train_pipeline = [
    dict(type='MultiViewDecordInit'),
    dict(type='SampleMultiViewFrames', clip_len=clip_len, fps=fps, test_mode=False),
    dict(type='DecodeMultiViewVideo', resize=img_size),
    dict(type='LoadAudioFbank'),
    dict(type='LoadFrameLabels'),
    dict(type='LoadHumanMasks'),
    dict(type='PackMultiViewInputs'),
]
test_pipeline = [
    dict(type='MultiViewDecordInit'),
    dict(type='SampleMultiViewFrames', clip_len=clip_len, fps=fps, test_mode=True),
    dict(type='DecodeMultiViewVideo', resize=img_size),
    dict(type='LoadAudioFbank'),
    dict(type='LoadFrameLabels'),
    dict(type='LoadHumanMasks'),
    dict(type='PackMultiViewInputs'),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    persistent_workers=True,
    # Page-locked batches: faster host-to-GPU copies of the ~60 MB samples (asynchronous with
    # the data preprocessor's non_blocking=True). It matters on GPU hosts only (a CPU-only run
    # warns and ignores it). Decoding costs far more cores per GPU than reading a frame cache
    # (docs/reproduce_multisensor_home.md, "Cache sizes"): raise num_workers to what the host has;
    # python tools/gpu_check.py --out gpu_check measures the cores per GPU of both on a GPU host.
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file_train,
        human_mask_file=human_mask_file,
        fps=fps,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,  # as train_dataloader
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file_test,
        human_mask_file=human_mask_file,
        fps=fps,
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = val_dataloader
# Per-view readings on the frames each view sees, beside the fused output (what Eq. 10 compares).
val_evaluator = [dict(type='MultiLabelMAP'), dict(type='ViewReadingMetric')]
test_evaluator = val_evaluator
