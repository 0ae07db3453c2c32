"""Attention maps of a recognizer's visual encoder on chosen frames of a recording (Fig. 4)."""
from typing import Sequence, Tuple

import numpy as np
import torch

from ..visualization.vit_attention import encoder_attention_maps
from .decoding_steps import DecodingSteps


@torch.no_grad()
def recording_attention(model: torch.nn.Module, steps: DecodingSteps, info: dict,
                        frame_inds: Sequence[int]) -> Tuple[np.ndarray, np.ndarray]:
    """Frames and last-layer CLS attention of every view at grid frames ``frame_inds``.

    The visual encoder sees each frame on its own (Eq. 1), so only the chosen frames are
    decoded (with the config's ``DecodeMultiViewVideo``) and normalised by the model's data
    preprocessor; the rest of the model is not run.

    Args:
        model: a ``MultiViewAVRecognizer`` whose visual encoder is a ``TimmViTEncoder``.
        steps: the config's decoding transforms.
        info: :func:`.recording_inference.recording_info` of the recording.
        frame_inds: F grid frame indices (2.5 FPS).

    Returns:
        ``images`` uint8 (V, F, H, W, 3) as the model saw them, ``maps`` float32
        (V, F, gh, gw) attention over the patch grid.

    Raises:
        ValueError: a frame index lies outside the recording.
    """
    opened = steps.init.transform(dict(info))
    num_frames = opened['num_clip_frames']
    inds = np.asarray(frame_inds, dtype=np.int64)
    bad = [int(i) for i in inds if not 0 <= i < num_frames]
    if bad:
        raise ValueError(f'recording {info["recording_id"]}: frames {bad} are outside its '
                         f'{num_frames} frames on the {steps.fps} FPS grid (0..{num_frames - 1})')
    imgs = steps.video.transform(dict(opened, frame_inds=inds))['imgs']  # (V, F, H, W, 3)
    video = torch.from_numpy(np.ascontiguousarray(imgs)).permute(0, 1, 4, 2, 3)[None]
    data = model.data_preprocessor(dict(inputs=dict(video=video)), False)
    frames = data['inputs']['video'][0]  # (V, F, 3, H, W), normalised
    views, count = frames.shape[:2]
    maps = encoder_attention_maps(model.visual_encoder, frames.flatten(0, 1))
    return imgs, maps.reshape(views, count, *maps.shape[1:]).float().cpu().numpy()
