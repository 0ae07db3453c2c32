"""The decoding transforms of a config's test pipeline, rebuilt to read videos directly.

Inference on footage has no annotation and no frame cache, and needs frames at indices it
chooses. :func:`decoding_steps` therefore takes the config's test pipeline, replaces
``LoadMultiViewCache`` by ``MultiViewDecordInit`` (the cache's drop-in twin, docs/design.md
section 8), keeps ``DecodeMultiViewVideo`` and ``LoadAudioFbank`` with their settings, reads T
and the grid rate from ``SampleMultiViewFrames`` and leaves out the label, mask and packing
steps. The transforms are the registered ones, so the frames and fbank windows are exactly
those of training and testing.
"""
from dataclasses import dataclass
from typing import List, Optional

from mmengine.config import Config

DECODE_INIT = 'MultiViewDecordInit'
CACHE_INIT = 'LoadMultiViewCache'


@dataclass
class DecodingSteps:
    """Built transforms and the clip geometry of a config.

    Attributes:
        init: ``MultiViewDecordInit`` (opens each view once, sets the timing keys).
        video: ``DecodeMultiViewVideo`` (frames at ``frame_inds``, resized).
        audio: ``LoadAudioFbank``, or None when the model reads no audio.
        clip_len: T of the model (``SampleMultiViewFrames.clip_len``).
        fps: the grid rate (``SampleMultiViewFrames.fps``).
    """

    init: object
    video: object
    audio: Optional[object]
    clip_len: int
    fps: float


def config_test_pipeline(cfg: Config, where: str) -> List[dict]:
    """The test (else validation) dataset's pipeline of ``cfg``."""
    for loader in ('test_dataloader', 'val_dataloader'):
        pipeline = cfg.get(loader, {}).get('dataset', {}).get('pipeline')
        if pipeline:
            return [dict(step) for step in pipeline]
    raise KeyError(f'{where} has no test_dataloader.dataset.pipeline to decode with')


def decoding_steps(cfg: Config, use_audio: bool, where: str = 'config') -> DecodingSteps:
    """Build :class:`DecodingSteps` from ``cfg``'s test pipeline (see the module docstring).

    Raises:
        KeyError: the pipeline lacks ``SampleMultiViewFrames`` or ``DecodeMultiViewVideo``, or
            ``LoadAudioFbank`` while ``use_audio``.
    """
    from mmaction.registry import TRANSFORMS
    from mmengine.registry import DefaultScope

    found = {}
    for step in config_test_pipeline(cfg, where):
        kind = step.get('type')
        if kind == CACHE_INIT:
            found[DECODE_INIT] = dict(type=DECODE_INIT)
        elif kind in (DECODE_INIT, 'SampleMultiViewFrames', 'DecodeMultiViewVideo',
                      'LoadAudioFbank'):
            found[kind] = step
    need = ['SampleMultiViewFrames', 'DecodeMultiViewVideo'] + (
        ['LoadAudioFbank'] if use_audio else [])
    missing = [k for k in need if k not in found]
    if missing:
        hint = (' (it reads cached encoder features; use the config whose test pipeline decodes '
                'frames)' if any(s.get('type') == 'MultiViewFeatureInit'
                                 for s in config_test_pipeline(cfg, where)) else '')
        raise KeyError(f'{where}: the test pipeline has no {missing}{hint}; inference decodes '
                       'with the pipeline\'s own transforms')
    sampler = found['SampleMultiViewFrames']
    with DefaultScope.overwrite_default_scope('mmaction'):
        return DecodingSteps(
            init=TRANSFORMS.build(found.get(DECODE_INIT, dict(type=DECODE_INIT))),
            video=TRANSFORMS.build(found['DecodeMultiViewVideo']),
            audio=TRANSFORMS.build(found['LoadAudioFbank']) if use_audio else None,
            clip_len=int(sampler.get('clip_len', 70)),
            fps=float(sampler.get('fps', 2.5)))
