# The audio-visual teacher (AV_F) of DESIGN.md section 4; backbone files add `fusion`.
# The feature size D is the visual encoder's (384 for ViT-S/32): the recognizer passes it to the
# cross-modal attention, the adapter and the fusion backbone; the audio encoder must match it.
# Weights are read from local files only: put timm's ViT-S/32 state dict at `vit_checkpoint`
# (README, "Pre-trained weights"), or set it to None to train from scratch.
num_classes = 16
num_views = 5
vit_checkpoint = 'checkpoints/vit_small_patch32_224.pth'
model = dict(
    type='MultiViewAVRecognizer',
    data_preprocessor=dict(
        type='MultiViewAVDataPreprocessor', mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5]),
    visual_encoder=dict(
        type='TimmViTEncoder', arch='vit_small_patch32_224', img_size=224,
        checkpoint=vit_checkpoint),
    audio_encoder=dict(type='ASTEncoder', embed_dim=384, depth=12, num_heads=6, input_tdim=40),
    cross_attn=dict(type='CrossModalAttention', num_heads=4, num_views=num_views),
    cls_loss=dict(type='TwoWayLoss', Tp=4.0, Tn=1.0),
    supervision='frame')

# What a visual-only student (V_F / V_S) changes: the adapter replaces the audio encoder.
student_overrides = dict(audio_encoder=None, adapter=dict(type='CrossModalAdapter'))
