"""Frames stored as one JPEG each, decoded only when indexed (the frame cache's ``jpeg`` format).

:func:`encode_jpeg_frames` turns a (V, T, H, W, 3) uint8 video into one byte buffer plus
offsets; :class:`JpegFrames` reads them back as a lazy array: indexing it over its first two
axes (views, frames) decodes only the frames asked for, so
``DecodeMultiViewVideo``'s ``cached_imgs[:, frame_inds]`` decodes the T sampled frames and not
the whole recording. Both go through ``torchvision.io`` (libjpeg-turbo, 4:2:0 chroma), one frame
per image: JPEG is lossy, so the frames read back differ from the encoded ones by a few levels
(larger on sharp colour edges, which the chroma subsampling blurs).
"""
import copy
from typing import Sequence

import numpy as np
import torch
from torchvision.io import ImageReadMode, decode_jpeg, encode_jpeg


def encode_jpeg_frames(video: np.ndarray, quality: int) -> tuple[np.ndarray, np.ndarray]:
    """``(data, offsets)`` of ``video`` np.uint8 (V, T, H, W, 3), one JPEG per frame.

    Returns:
        data: np.uint8 (N_bytes,), the V * T JPEG files one after the other (view-major).
        offsets: np.int64 (V * T + 1,), frame ``v * T + t`` is ``data[offsets[i]:offsets[i + 1]]``.
    """
    if video.dtype != np.uint8 or video.ndim != 5 or video.shape[-1] != 3:
        raise ValueError(f'need uint8 (V, T, H, W, 3) frames, got {video.dtype} {video.shape}')
    chw = torch.from_numpy(np.ascontiguousarray(video)).flatten(0, 1).permute(0, 3, 1, 2)
    files = encode_jpeg([frame.contiguous() for frame in chw], quality=quality)
    sizes = np.array([f.numel() for f in files], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    data = (torch.cat(files).numpy() if files else np.zeros(0, np.uint8))
    return data, offsets


class JpegFrames:
    """A (V, T, H, W, 3) uint8 video held as JPEG files, decoded when indexed.

    ``frames[key]`` with ``key`` indexing the first two axes as numpy does (ints, slices, index
    arrays; further entries index H, W, channel after decoding) returns a decoded np.uint8
    array; each distinct frame is decoded once. ``take(rows, axis=0)`` keeps the views ``rows``
    without decoding; ``np.asarray(frames)`` decodes everything.

    Args:
        data: np.uint8 (N_bytes,) of :func:`encode_jpeg_frames`.
        offsets: np.int64 (V * T + 1,) of :func:`encode_jpeg_frames`.
        shape: (V, T, H, W, 3) of the encoded video.
    """

    dtype = np.dtype(np.uint8)

    def __init__(self, data: np.ndarray, offsets: np.ndarray, shape: Sequence[int]) -> None:
        shape = tuple(int(s) for s in shape)
        if len(shape) != 5 or shape[-1] != 3:
            raise ValueError(f'JPEG frames must be (V, T, H, W, 3), got shape {shape}')
        count = shape[0] * shape[1]
        if offsets.ndim != 1 or len(offsets) != count + 1 or (
                count and (offsets[0] != 0 or offsets[-1] != len(data)
                           or np.any(np.diff(offsets) <= 0))):
            raise ValueError(f'JPEG offsets {offsets.shape} ending at '
                             f'{int(offsets[-1]) if len(offsets) else None} do not index '
                             f'{count} frames in {len(data)} bytes')
        self.data, self.offsets = data, offsets
        self._index = np.arange(count).reshape(shape[:2])  # (V, T) frame ids into offsets
        self.shape = shape
        self._frame_shape = shape[2:]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __len__(self) -> int:
        return self.shape[0]

    def take(self, indices, axis: int = 0) -> 'JpegFrames':
        """The views ``indices`` (axis 0 only), still encoded."""
        if axis != 0:
            raise ValueError(f'JpegFrames.take selects views (axis 0), got axis {axis}')
        views = copy.copy(self)
        views._index = self._index.take(indices, axis=0)
        views.shape = views._index.shape + self._frame_shape
        return views

    def decode(self, frame_ids: np.ndarray) -> np.ndarray:
        """np.uint8 (*frame_ids.shape, H, W, 3): the frames of flat ids ``frame_ids``."""
        flat = frame_ids.reshape(-1)
        unique, inverse = np.unique(flat, return_inverse=True)
        files = [torch.from_numpy(self.data[self.offsets[i]:self.offsets[i + 1]])
                 for i in unique.tolist()]
        frames = np.empty((len(unique),) + self._frame_shape, np.uint8)
        out = torch.from_numpy(frames)
        for i, image in enumerate(decode_jpeg(files, mode=ImageReadMode.RGB) if files else []):
            if image.shape[1:] != out.shape[1:3]:
                raise ValueError(f'decoded JPEG frame {unique[i]} is {tuple(image.shape)} '
                                 f'(C, H, W), the cache says {self._frame_shape}')
            out[i].copy_(image.permute(1, 2, 0))  # (3, H, W) -> (H, W, 3)
        if not np.array_equal(unique, flat):  # repeated or unsorted ids
            frames = frames[inverse.reshape(-1)]
        return frames.reshape(frame_ids.shape + self._frame_shape)

    def __getitem__(self, key) -> np.ndarray:
        key = key if isinstance(key, tuple) else (key,)
        if any(k is None or k is Ellipsis for k in key):
            raise IndexError('JpegFrames indexing takes no None or Ellipsis')
        ids = self._index[key[:2]]
        frames = self.decode(np.asarray(ids))
        rest = key[2:]
        return frames[(slice(None),) * np.ndim(ids) + rest] if rest else frames

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        frames = self[:, :]
        return frames if dtype is None else frames.astype(dtype)

    def __repr__(self) -> str:
        return f'JpegFrames(shape={self.shape}, bytes={len(self.data)})'
