"""Shrink real configs to tiny CPU settings on the tiny synthetic set, for end-to-end tests.

The configs are the ones users run; only what makes them slow is replaced: the data set (the
tiny synthetic set, 2 samples a batch, no worker processes, 8-frame clips of 64 px frames), the
schedule (a few epochs) and the encoders (a 1-layer ViT, a 1-layer AST; a ``TimmFrameEncoder``
or ``MMBackboneFrameEncoder`` keeps its own network and width, at 64 px without weight files,
with fewer blocks or larger strides). The
pipelines stay the configs' own (decoding for the MultiSensor-Home configs, the frame cache for the demo). Everything else — the recognizer, the
fusion backbone, the losses, the distiller and its methods — is the config's own.
"""
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DIM = 48
TINY_VIT = dict(type='TimmViTEncoder', arch='vit_tiny_patch16_224', img_size=64,
                checkpoint=None, embed_dim=DIM, depth=1, num_heads=4)
TINY_AST = dict(type='ASTEncoder', embed_dim=DIM, depth=1, num_heads=4, input_tdim=40,
                fstride=16, tstride=16)

#: encoders whose own network the tiny configs keep (docs/usage.md's own-encoder configs)
KEPT_ENCODERS = ('TimmFrameEncoder', 'MMBackboneFrameEncoder')
#: cheaper kept networks of the same widths: timm models by arch prefix (one block per stage),
#: mmaction backbones by type (ResNet: every stage at stride 2, a quarter of the work)
TINY_TIMM = {'vit_': dict(depth=1), 'convnext': dict(depths=(1, 1, 1, 1))}
TINY_MM_BACKBONES = {'ResNet': dict(strides=(2, 2, 2, 2))}


def _kept_encoder(cfg: dict) -> dict:
    """A kept encoder at 64 px without weight files or activation checkpointing, made cheaper
    by ``TINY_TIMM`` / ``TINY_MM_BACKBONES``."""
    cfg = dict(cfg, img_size=64, checkpoint=None, with_cp=False)
    for prefix, blocks in TINY_TIMM.items():
        if cfg['type'] == 'TimmFrameEncoder' and cfg.get('arch', '').startswith(prefix):
            cfg.update(blocks)
    if 'backbone' in cfg:
        backbone = {k: v for k, v in cfg['backbone'].items()
                    if k not in ('pretrained', 'init_cfg')}
        cfg['backbone'] = dict(backbone, **TINY_MM_BACKBONES.get(backbone['type'], {}))
    return cfg


def config_path(rel: str) -> str:
    return osp.join(REPO, rel)


def shrink_model(model: dict) -> dict:
    """Tiny encoders for a recognizer or distiller config (in place; returns it)."""
    if model['type'] == 'ViCoKDDistiller':
        shrink_model(model['student'])
        if isinstance(model['teacher'], str):
            model['teacher'] = Config.fromfile(model['teacher']).model
        shrink_model(model['teacher'])
        return model
    for key, tiny in (('visual_encoder', TINY_VIT), ('audio_encoder', TINY_AST)):
        if model.get(key) is not None and model[key].get('type') in KEPT_ENCODERS:
            model[key] = _kept_encoder(model[key])
        elif model.get(key) is not None:  # keep whether the config freezes the encoder
            model[key] = dict(tiny, **{k: v for k, v in model[key].items() if k == 'frozen'})
    return model


def _shrink_pipeline(pipeline: list, cache_dir: str) -> list:
    """The config's own pipeline with short clips, small frames and the test's cache folder."""
    for step in pipeline:
        if step['type'] == 'SampleMultiViewFrames':
            step['clip_len'] = 8
        elif step['type'] == 'DecodeMultiViewVideo':
            step['resize'] = 64
        elif step['type'] == 'LoadMultiViewCache' and cache_dir is not None:
            step['cache_dir'] = cache_dir
    return pipeline


def tiny_config(rel: str, data_root: str, work_dir: str, cache_dir: str, epochs: int = 1,
                teacher_ckpt: str = None, test_ann: str = 'test.json') -> Config:
    """Load ``configs/<rel>`` and shrink it to the tiny synthetic set (see module docstring).

    ``data_root=None`` keeps the config's data paths (data root, annotation files, caches) and
    ``work_dir=None`` its work dir, for runs whose command line says where the data is.
    """
    cfg = Config.fromfile(config_path(rel))
    for split, ann in (('train_dataloader', 'train.json'), ('val_dataloader', test_ann),
                       ('test_dataloader', test_ann)):
        loader = cfg[split]
        loader.batch_size = 2
        loader.num_workers = 0
        loader.persistent_workers = False
        if data_root is not None:
            loader.dataset.data_root = data_root
            loader.dataset.ann_file = ann
        loader.dataset.pipeline = _shrink_pipeline(loader.dataset.pipeline, cache_dir)
    model = cfg.model.to_dict()
    cfg.model = shrink_model(model)
    if teacher_ckpt is not None:
        cfg.model['teacher_ckpt'] = teacher_ckpt
    cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=epochs, val_interval=epochs)
    cfg.param_scheduler = [dict(type='CosineAnnealingLR', T_max=epochs, eta_min=1e-5,
                                by_epoch=True, begin=0, end=epochs)]
    cfg.optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3, weight_decay=5e-4))
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1, max_keep_ckpts=1)
    if work_dir is not None:
        cfg.work_dir = work_dir
    return cfg


def dump_config(cfg: Config, path: str) -> str:
    cfg.dump(path)
    return path


def save_random_teacher(cfg: Config, path: str) -> str:
    """Save an untrained tiny teacher of a shrunk distiller config as an MMEngine checkpoint."""
    from mmaction.registry import MODELS
    with DefaultScope.overwrite_default_scope('mmaction'):
        teacher = MODELS.build(cfg.model['teacher'])
    torch.save(dict(meta=dict(), state_dict=teacher.state_dict()), path)
    return path
