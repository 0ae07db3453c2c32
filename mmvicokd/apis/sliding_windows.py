"""Windows of T frames over a whole recording on the 2.5-FPS grid, and pooling their scores.

Shapes: T_full grid frames in the recording, T = ``clip_len`` frames per window, W windows,
C classes.
"""
import numpy as np

from ..datasets.functional import sample_frame_indices


def window_indices(num_frames: int, clip_len: int, stride: int) -> np.ndarray:
    """Grid frame indices (W, T) int64 of the windows covering frames ``0..num_frames-1``.

    A recording longer than T gets windows of T consecutive grid frames starting every
    ``stride`` frames, plus one ending at the last frame, so every frame is covered. A
    recording of at most T frames gets one window: the test pipeline's own indices
    (:func:`sample_frame_indices` in test mode: the centres of T equal segments, so frames
    repeat), which is the clip ``tools/test.py`` would score.
    """
    if num_frames < 1 or clip_len < 1 or stride < 1:
        raise ValueError(f'num_frames, clip_len and stride must be >= 1, got {num_frames}, '
                         f'{clip_len}, {stride}')
    if num_frames <= clip_len:
        return sample_frame_indices(num_frames, clip_len, test_mode=True)[None]
    starts = list(range(0, num_frames - clip_len + 1, stride))
    if starts[-1] != num_frames - clip_len:
        starts.append(num_frames - clip_len)
    return np.asarray(starts, dtype=np.int64)[:, None] + np.arange(clip_len, dtype=np.int64)


def average_frame_scores(windows: np.ndarray, scores: np.ndarray,
                         num_frames: int) -> np.ndarray:
    """Per grid frame, the mean of every window position that shows it.

    Args:
        windows: (W, T) grid indices.
        scores: (W, T, C) frame scores of the windows.
        num_frames: T_full.

    Returns:
        (T_full, C) float32.

    Raises:
        ValueError: a frame is covered by no window.
    """
    windows = np.asarray(windows)
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape[:2] != windows.shape:
        raise ValueError(f'scores {scores.shape} do not match windows {windows.shape}')
    sums = np.zeros((num_frames, scores.shape[2]))
    counts = np.zeros(num_frames)
    np.add.at(sums, windows.ravel(), scores.reshape(-1, scores.shape[2]))
    np.add.at(counts, windows.ravel(), 1)
    if (counts == 0).any():
        raise ValueError(f'frames {np.flatnonzero(counts == 0)[:5].tolist()} are in no window')
    return (sums / counts[:, None]).astype(np.float32)


def pool_sequence_scores(window_scores: np.ndarray) -> np.ndarray:
    """Recording score (C,) = max over windows of each window's sequence score (W, C).

    A recording's label is the union of its actions (docs/design.md section 2): one window that
    holds an action shows it, and averaging would dilute an action seen in one window only.
    """
    return np.asarray(window_scores, dtype=np.float32).max(axis=0)
