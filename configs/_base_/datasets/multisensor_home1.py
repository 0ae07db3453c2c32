# MultiSensor-Home, Home-1 (DESIGN.md section 2). Point `data_root` at your copy, e.g.
#   --cfg-options data_root=/data/MultiSensor-Home/Home1
# Human masks come from `tools/extract_human_masks.py` (YOLOv10, COCO person).
# Decoding dominates training time (DESIGN.md section 8). To decode every recording once instead
# of every epoch, build the frame cache (frames at 2.5 FPS resized to img_size, whole-track
# fbanks, uncompressed: about 130 MB per minute of 5-view recording at 224 px):
#   python tools/cache_frames.py --data-root /data/MultiSensor-Home/Home1 \
#       --ann-file train.json test.json --out /data/MultiSensor-Home/cache_224 --resize 224
# and in both pipelines replace dict(type='MultiViewDecordInit') by
#   dict(type='LoadMultiViewCache', cache_dir='/data/MultiSensor-Home/cache_224'),
# keeping the other transforms (they slice the cache and give the same arrays).
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
