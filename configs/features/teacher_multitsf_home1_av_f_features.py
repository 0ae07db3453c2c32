# AV_F teacher on cached encoder features: frozen ViT-S/32 and AST, which
# tools/extract_features.py runs once per recording (configs/_base_/datasets/
# multisensor_home1_features.py says how).
_base_ = [
    '../_base_/models/multitsf.py', '../_base_/datasets/multisensor_home1_features.py',
    '../_base_/schedules/adam_cosine_100e.py', '../_base_/default_runtime.py'
]
model = dict(visual_encoder=dict(frozen=True), audio_encoder=dict(frozen=True))
