"""Pack a multi-view audio-visual sample for the model (docs/interfaces.md, Data)."""
from typing import Sequence

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmaction.structures import ActionDataSample
from mmcv.transforms import BaseTransform

_SOURCES = dict(video='imgs', audio='audio', visual_feat='visual_feat',
                audio_feat='audio_feat')
_META_KEYS = ('recording_id', 'views', 'supervision')


@TRANSFORMS.register_module()
class PackMultiViewInputs(BaseTransform):
    """Tensors for the model plus an :class:`ActionDataSample` with the labels.

    Required keys: ``recording_id``, ``ann_file``, ``views``, ``supervision``, ``gt_label``
    (C,), ``frame_label`` (T, C), ``frame_inds`` (T,), and per packed input ``imgs``
    (V, T, H, W, 3) uint8 for ``'video'``, ``audio`` (V, T, Fa, M) float32 for ``'audio'``,
    ``visual_feat`` / ``audio_feat`` (V, T, D) (:class:`LoadMultiViewFeatures`) for the cached
    encoder features of the same names.
    Optional keys: ``human_mask`` (V, T) bool.

    Added keys:
        - ``inputs``: dict with ``video`` uint8 tensor (V, T, 3, H, W) and/or ``audio``
          float32 tensor (V, T, Fa, M), or ``visual_feat`` / ``audio_feat`` float32 tensors
          (V, T, D).
        - ``data_samples``: ``ActionDataSample`` with data fields ``gt_label`` (C,) float,
          ``frame_label`` (T, C) float, ``frame_inds`` (T,) long, ``human_mask`` (V, T) bool (if
          loaded) and metainfo ``recording_id``, ``views``, ``supervision``.

    Args:
        keys (Sequence[str]): Inputs to pack, from ``'video'``, ``'audio'``,
            ``'visual_feat'`` and ``'audio_feat'``. Defaults to ``('video', 'audio')``.
    """

    def __init__(self, keys: Sequence[str] = ('video', 'audio')) -> None:
        unknown = [k for k in keys if k not in _SOURCES]
        if unknown or not keys:
            raise ValueError(f'keys must be a non-empty subset of {tuple(_SOURCES)}, got {keys}')
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        inputs = {}
        for key in self.keys:
            source = _SOURCES[key]
            if source not in results:
                raise KeyError(
                    f"recording {results['recording_id']} (annotation {results['ann_file']}): "
                    f"cannot pack {key!r}, the pipeline produced no {source!r}")
            array = np.ascontiguousarray(results[source])
            if key == 'video':
                inputs[key] = torch.from_numpy(array).permute(0, 1, 4, 2, 3).contiguous()
            else:
                inputs[key] = torch.from_numpy(array).float()
        sample = ActionDataSample()
        sample.set_field(torch.as_tensor(results['gt_label'], dtype=torch.float32), 'gt_label')
        sample.set_field(torch.as_tensor(results['frame_label'], dtype=torch.float32),
                         'frame_label')
        sample.set_field(torch.as_tensor(results['frame_inds'], dtype=torch.long), 'frame_inds')
        if 'human_mask' in results:
            sample.set_field(torch.as_tensor(results['human_mask'], dtype=torch.bool),
                             'human_mask')
        sample.set_metainfo({k: results[k] for k in _META_KEYS})
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(keys={self.keys})'
