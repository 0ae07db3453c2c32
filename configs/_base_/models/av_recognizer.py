# The audio-visual teacher (AV_F) of the paper (section 3.1, Eq. 1); backbone files add `fusion`.
# E_V: timm ViT-S/32 (D_v = 384) fine-tuned from vit_small_patch32_224.augreg_in21k_ft_in1k.
# E_A: AST-base (768 wide, 12 heads, 12 blocks, CLS + distillation token) fine-tuned from
# audioset_10_10_0.4593, its pooled 768-d feature projected by a Linear layer (ours) to D_v = 384:
# the cross-modal attention (Eq. 2), the student's adapter (Eq. 6) and feature distillation
# (Eq. 7) then all work at one width D = 384, which the recognizer passes on. The recognizer
# sets the AST's out_dim to the visual encoder's width (the rule: audio_width in
# mmvicokd/models/recognizers/multiview_av_recognizer.py), so a config that swaps the visual
# encoder (docs/usage.md, "Another encoder or fusion backbone") changes nothing here.
# Weights are read from local files only (docs/pretrained_weights.md): a file or a hub download
# folder; a configured path that does not exist stops training with an error naming it. Set
# a checkpoint to None to train that encoder from scratch (the log then warns).
# vit_checkpoint / ast_checkpoint are used once, when this file is parsed: overriding them
# (--cfg-options vit_checkpoint=..., or in a child config) changes nothing in the model. The
# keys are model.visual_encoder.checkpoint / model.audio_encoder.checkpoint (a distiller's
# student: model.student.visual_encoder.checkpoint; its teacher loads teacher_ckpt).
# with_cp: activation checkpointing of the trainable encoders (12 x 5 x 70 frames per batch).
num_classes = 16
num_views = 5
vit_checkpoint = 'checkpoints/vit_small_patch32_224.augreg_in21k_ft_in1k.safetensors'
ast_checkpoint = 'checkpoints/ast-finetuned-audioset-10-10-0.4593'
model = dict(
    type='MultiViewAVRecognizer',
    data_preprocessor=dict(
        type='MultiViewAVDataPreprocessor', mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5]),
    visual_encoder=dict(
        type='TimmViTEncoder', arch='vit_small_patch32_224', img_size=224,
        checkpoint=vit_checkpoint, with_cp=True),
    audio_encoder=dict(
        type='ASTEncoder', embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0, input_tdim=40,
        fstride=10, tstride=10, dist_token=True, checkpoint=ast_checkpoint,
        with_cp=True),
    cross_attn=dict(type='CrossModalAttention', num_heads=4, num_views=num_views),
    cls_loss=dict(type='TwoWayLoss', Tp=4.0, Tn=1.0),
    supervision='frame')

# What a visual-only student (V_F / V_S) changes: the adapter replaces the audio encoder.
student_overrides = dict(audio_encoder=None, adapter=dict(type='CrossModalAdapter'))
