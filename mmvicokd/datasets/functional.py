"""Plain label and index maths for MultiSensor-Home (docs/design.md sections 2 and 3).

Shapes: T_full = number of frames of the recording on the ``fps`` grid (2.5 FPS), T = sampled
frames, C = classes, V = views, S = fbank frames of one audio track, Fa = fbank frames per window.
Rounding follows Python's ``round`` (half to even) everywhere, as the authors' label code does.
"""
import math
import os
import re
from typing import Sequence

import numpy as np

_VIEW1_TOKEN = re.compile(r'-View1(?!\d)')


def recording_id_from_url(url: str) -> str:
    """Recording id from an entry's ``video_url_1``: no extension, ``-View1`` token removed.

    ``'01/3-View1-Part1.mp4'`` -> ``'01/3-Part1'``.
    """
    stem = os.path.splitext(url)[0]
    return _VIEW1_TOKEN.sub('', stem, count=1)


def sequence_label(trick_labels: Sequence[Sequence[int]], num_classes: int) -> np.ndarray:
    """Multi-hot sequence label (C,) float32: the union of the tricks' class indices."""
    label = np.zeros(num_classes, dtype=np.float32)
    for labels in trick_labels:
        label[list(labels)] = 1.0
    return label


def trick_frame_span(start: float, end: float, fps: float) -> tuple[int, int]:
    """Half-open frame span ``[round(start*fps), round(end*fps) + 1)`` of one trick."""
    return int(round(start * fps)), int(round(end * fps)) + 1


def frame_labels(tricks: Sequence[dict], num_frames: int, num_classes: int,
                 fps: float = 2.5) -> np.ndarray:
    """Full frame labels (T_full, C) float32 on the ``fps`` grid.

    ``frame[round(start*fps) : round(end*fps)+1, c] = 1`` for every class ``c`` of a trick,
    clipped to ``[0, num_frames)``. ``tricks`` are ``dict(start, end, labels=list[int])``.
    """
    label = np.zeros((num_frames, num_classes), dtype=np.float32)
    for trick in tricks:
        lo, hi = trick_frame_span(trick['start'], trick['end'], fps)
        lo, hi = max(lo, 0), min(hi, num_frames)
        if lo < hi:
            label[lo:hi, list(trick['labels'])] = 1.0
    return label


def num_clip_frames(duration: float, fps: float = 2.5) -> int:
    """T_full = max(1, floor(duration * fps)); a 1e-6 margin absorbs float noise (6 s -> 15)."""
    return max(1, int(math.floor(duration * fps + 1e-6)))


def multi_view_timing(num_frames: Sequence[int], avg_fps: Sequence[float],
                      fps: float = 2.5) -> dict:
    """Timing shared by the V views of a recording, from each view's native frames and rate.

    Returns ``dict(total_frames=min(num_frames), avg_fps=list of V floats, duration=shortest
    view in s, num_clip_frames=T_full on the fps grid)``.
    """
    avg_fps = [float(f) for f in avg_fps]
    duration = min(n / f for n, f in zip(num_frames, avg_fps))
    return dict(total_frames=int(min(num_frames)), avg_fps=avg_fps, duration=duration,
                num_clip_frames=num_clip_frames(duration, fps))


def sample_frame_indices(num_frames: int, clip_len: int, test_mode: bool,
                         rng: np.random.Generator | None = None) -> np.ndarray:
    """Frame indices (T,) int64 on the grid ``0..num_frames-1``, T = ``clip_len``.

    The grid is cut into ``clip_len`` equal segments; test mode takes the centre of each
    segment, train mode a uniform random point inside it (``rng``, default numpy's global one).
    Shorter recordings repeat frames.
    """
    if num_frames < 1 or clip_len < 1:
        raise ValueError(f'num_frames and clip_len must be >= 1, got {num_frames}, {clip_len}')
    if test_mode:
        offsets = np.full(clip_len, 0.5)
    else:
        offsets = (rng if rng is not None else np.random).random(clip_len)
    points = (np.arange(clip_len) + offsets) * (num_frames / clip_len)
    return np.clip(np.floor(points), 0, num_frames - 1).astype(np.int64)


def video_frame_indices(frame_inds: np.ndarray, fps: float, avg_fps: float,
                        total_frames: int) -> np.ndarray:
    """Native video frame of each grid frame (T,) int64: min(round(i / fps * avg_fps), N - 1)."""
    native = np.round(np.asarray(frame_inds, dtype=np.float64) / fps * avg_fps)
    return np.minimum(native, total_frames - 1).astype(np.int64)


def slice_fbank_windows(fbank: np.ndarray, frame_inds: np.ndarray, fps: float,
                        window_frames: int, frames_per_second: float = 100.0,
                        pad_value: float = 0.0) -> np.ndarray:
    """Cut (T, Fa, M) windows from one track's fbank (S, M), ``pad_value`` past the end.

    Window t starts at fbank frame ``round(frame_inds[t] / fps * frames_per_second)`` and is
    ``window_frames`` (Fa) long; 100 fbank frames per second for a 10 ms shift. For a log-mel
    fbank the right padding is its floor (silence), not 0 (which reads as a loud sound).
    """
    num_fbank, num_bins = fbank.shape
    starts = np.round(np.asarray(frame_inds, dtype=np.float64) / fps * frames_per_second)
    out = np.full((len(starts), window_frames, num_bins), pad_value, dtype=np.float32)
    for t, start in enumerate(starts.astype(np.int64)):
        stop = min(start + window_frames, num_fbank)
        if start < stop:
            out[t, :stop - start] = fbank[start:stop]
    return out


def human_mask_at(scores: np.ndarray, frame_inds: np.ndarray, threshold: float) -> np.ndarray:
    """Visibility mask (V, T) bool = scores[:, frame_inds] >= threshold, indices clipped.

    ``scores`` (V, T_full') are per-view person-confidence scores on the 2.5-FPS grid.
    """
    scores = np.asarray(scores, dtype=np.float32)
    inds = np.clip(np.asarray(frame_inds, dtype=np.int64), 0, scores.shape[1] - 1)
    return scores[:, inds] >= threshold
