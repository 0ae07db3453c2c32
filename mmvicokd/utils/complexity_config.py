"""What ``tools/analysis_tools/get_flops.py`` measures for a config: its recognizers and one clip.

A recognizer config (teacher or student) is measured as it is; a ``ViCoKDDistiller`` config
as its student (the model that is deployed) and, separately, its frozen teacher (run during
training only). The clip (B = 1) is the config's own, read from its test pipeline:
V = the test set's ``views`` (else the fusion backbone's ``num_views``), T =
``SampleMultiViewFrames.clip_len``, H × W = ``DecodeMultiViewVideo.resize`` and, for the
teacher's audio, Fa × mel bins from ``LoadAudioFbank`` (Fa = round(window · 100) fbank frames,
docs/interfaces.md). A pipeline that reads cached encoder features decodes nothing; the
encoders' own frame shapes stand in then.
"""
import copy
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from torch import nn

DISTILLER = 'ViCoKDDistiller'


@dataclass(frozen=True)
class ClipShape:
    """One clip: ``views`` V, ``frames`` T, ``frame_size`` (H, W) and ``fbank`` (Fa, mel bins)
    of each frame's audio window; ``None`` sizes are the encoders' own."""
    views: int
    frames: int
    frame_size: Optional[Tuple[int, int]] = None
    fbank: Optional[Tuple[int, int]] = None

    def inputs(self, model: nn.Module) -> Dict[str, torch.Tensor]:
        """Zero inputs of one clip for ``model`` (a ``MultiViewAVRecognizer``), as the data
        preprocessor gives them: ``video`` (1, V, T, 3, H, W) and, for a teacher, ``audio``
        (1, V, T, Fa, mel bins)."""
        clip = (1, self.views, self.frames)
        channels, *size = model.visual_encoder.frame_shape
        inputs = dict(video=torch.zeros(*clip, channels, *(self.frame_size or size)))
        if model.is_teacher:
            inputs['audio'] = torch.zeros(*clip, *(self.fbank or
                                                   model.audio_encoder.frame_shape))
        return inputs


def _step(pipeline: list, name: str):
    """The built transform ``name`` of ``pipeline`` (its own defaults fill what the config
    leaves out), or None."""
    for step in pipeline:
        if step['type'] == name:
            return TRANSFORMS.build(copy.deepcopy(step))
    return None


def clip_shape(cfg: Config) -> ClipShape:
    """The clip ``cfg`` tests on (see the module docstring)."""
    dataset = cfg.test_dataloader.dataset
    with DefaultScope.overwrite_default_scope('mmaction'):
        sampler = _step(dataset.pipeline, 'SampleMultiViewFrames')
        decoder = _step(dataset.pipeline, 'DecodeMultiViewVideo')
        fbank = _step(dataset.pipeline, 'LoadAudioFbank')
    if sampler is None:
        raise ValueError(f'{cfg.filename}: the test pipeline has no SampleMultiViewFrames, so '
                         'the clip length is unknown; pass --shape V T H W')
    views = dataset.get('views')
    model = cfg.model.student if cfg.model.type == DISTILLER else cfg.model
    return ClipShape(
        views=len(views) if views else model.fusion.num_views,
        frames=sampler.clip_len,
        frame_size=(decoder.resize, decoder.resize) if decoder is not None else None,
        fbank=(fbank.window_frames, fbank.num_mel_bins) if fbank is not None else None)


def recognizer_configs(model_cfg: dict) -> List[Tuple[str, dict]]:
    """``[(role, recognizer config)]``: ``('recognizer', model_cfg)``, or for a distiller
    ``('student', ...)`` then ``('teacher', ...)`` (read from its config file when the
    distiller names one)."""
    if model_cfg['type'] != DISTILLER:
        return [('recognizer', model_cfg)]
    teacher = model_cfg['teacher']
    if isinstance(teacher, str):
        if not osp.isfile(teacher):
            raise FileNotFoundError(f'teacher config file {teacher!r} does not exist')
        teacher = Config.fromfile(teacher).model
    return [('student', model_cfg['student']), ('teacher', teacher)]


def resized(model_cfg: dict, shape: ClipShape) -> dict:
    """A copy of a recognizer config built for ``shape``: the visual encoder's ``img_size``
    = (H, W) (when given) and the fusion backbone's and cross-modal attention's
    ``num_views`` = V."""
    model_cfg = copy.deepcopy(model_cfg)
    if shape.frame_size is not None:
        height, width = shape.frame_size
        model_cfg['visual_encoder']['img_size'] = height if height == width else (height, width)
    model_cfg['fusion']['num_views'] = shape.views
    model_cfg['cross_attn']['num_views'] = shape.views
    return model_cfg


def build_recognizer(model_cfg: dict) -> nn.Module:
    """Build a recognizer config in mmaction's scope (no weight file is read)."""
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(model_cfg)
