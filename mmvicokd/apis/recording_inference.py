"""Score a whole multi-view recording with a trained recognizer, no annotation needed.

The recording is opened once (``MultiViewDecordInit``); its T_full frames on the 2.5-FPS grid
are covered by windows of the model's T frames (:func:`.sliding_windows.window_indices`), a
batch of windows at a time. Frames are decoded forward in runs of at least 64 grid frames, one
``get_batch`` per view (``DecodeMultiViewVideo``; :class:`.grid_frame_buffer.GridFrameBuffer`).
Each view's audio track is decoded and turned into a fbank once
(``LoadAudioFbank.track_fbanks``) and handed to ``LoadAudioFbank`` the way the frame cache
hands its fbanks (``cached_fbank``), so the transform itself cuts and normalises the windows;
audio is read only when the model has an audio encoder. The model's own test-time
probabilities (``predict_scores``: sigmoid of the sequence and frame logits) are pooled:
``frame_scores`` (T_full, C) = mean over the windows that show a frame, ``seq_scores`` (C,) =
max over windows of each window's sequence score (:func:`.sliding_windows.pool_sequence_scores`).
"""
from typing import Optional, Sequence

import numpy as np
import torch

from .decoding_steps import DecodingSteps
from .grid_frame_buffer import GridFrameBuffer
from .sliding_windows import average_frame_scores, pool_sequence_scores, window_indices

SEQ_POOLING = 'max over windows of each window\'s sequence score'
FRAME_POOLING = 'mean over the windows that show the frame'


def recording_info(recording_id: str, filenames: Sequence[str], views: Sequence[int],
                   fps: float, source: str) -> dict:
    """The keys the decoding transforms need; ``source`` names the origin in their errors."""
    return dict(recording_id=recording_id, ann_file=source, filenames=list(filenames),
                views=list(views), fps=float(fps))


def check_views(model: torch.nn.Module, num_videos: int, recording_id: str) -> None:
    """One clear error when the recording has another number of views than the model."""
    expected = getattr(model.fusion, 'num_views', None)
    if expected is not None and expected != num_videos:
        raise ValueError(f'recording {recording_id}: {num_videos} video(s) given, but the model '
                         f'was built for {expected} views (fusion.num_views); give one video '
                         'per view, in view order')


def _batch_inputs(steps: DecodingSteps, buffer: GridFrameBuffer, fbanks: Optional[list],
                  windows: np.ndarray) -> dict:
    """``inputs`` of a batch of windows (b, T): video uint8 (b, V, T, 3, H, W), audio."""
    needed = np.unique(windows)
    positions = np.searchsorted(needed, windows)
    imgs = buffer.frames(needed)  # (V, U, H, W, 3)
    opened = buffer.opened
    video = torch.from_numpy(np.ascontiguousarray(imgs[:, positions]))  # (V, b, T, H, W, 3)
    inputs = dict(video=video.permute(1, 0, 2, 5, 3, 4).contiguous())
    if fbanks is not None:
        audio = steps.audio.transform(dict(opened, frame_inds=needed, cached_fbank=list(fbanks),
                                           frame_cache=_in_memory_fbanks(steps.audio)))['audio']
        inputs['audio'] = torch.from_numpy(audio[:, positions]).permute(1, 0, 2, 3, 4)
    return inputs


def _in_memory_fbanks(audio_step) -> dict:
    """The ``frame_cache`` description ``LoadAudioFbank`` checks cached fbanks against."""
    return dict(file='(fbanks decoded in memory for inference)', resize=None,
                num_mel_bins=audio_step.num_mel_bins, sample_rate=audio_step.sample_rate,
                command='(none)')


@torch.no_grad()
def infer_recording(model: torch.nn.Module, steps: DecodingSteps, info: dict,
                    batch_size: int = 4, stride: Optional[int] = None,
                    progress: bool = True, decode_chunk: int = 64) -> dict:
    """Scores of every grid frame of one recording (see the module docstring).

    Args:
        model: a ``MultiViewAVRecognizer`` in eval mode.
        steps: the config's decoding transforms (:func:`.decoding_steps.decoding_steps`).
        info: :func:`recording_info` of the recording (V files in view order).
        batch_size: windows per forward pass.
        stride: grid frames between window starts (default T // 2).
        progress: show an mmengine progress bar over the windows.
        decode_chunk: grid frames decoded per ``get_batch`` call (at least T; see
            :mod:`.grid_frame_buffer`).

    Returns:
        dict with ``frame_scores`` (T_full, C) and ``seq_scores`` (C,) float32 probabilities,
        ``windows`` (W, T) grid indices, ``window_seq_scores`` (W, C), ``num_frames`` T_full,
        ``duration`` (s), ``stride``.
    """
    check_views(model, len(info['filenames']), info['recording_id'])
    stride = stride or max(1, steps.clip_len // 2)
    opened = steps.init.transform(dict(info))
    num_frames = opened['num_clip_frames']
    windows = window_indices(num_frames, steps.clip_len, stride)
    fbanks = steps.audio.track_fbanks(opened) if steps.audio is not None else None
    buffer = GridFrameBuffer(steps.video, opened, chunk=max(decode_chunk, steps.clip_len))
    bar = None
    if progress:
        from mmengine.utils import ProgressBar
        bar = ProgressBar(len(windows))
    seq_scores, frame_scores = [], []
    for start in range(0, len(windows), batch_size):
        batch = windows[start:start + batch_size]
        data = model.data_preprocessor(dict(inputs=_batch_inputs(steps, buffer, fbanks, batch)),
                                       False)
        seq, frame = model.predict_scores(model.extract_feat(data['inputs']))
        seq_scores.append(seq.float().cpu().numpy())
        frame_scores.append(frame.float().cpu().numpy())
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        print()
    window_seq = np.concatenate(seq_scores)
    return dict(
        frame_scores=average_frame_scores(windows, np.concatenate(frame_scores), num_frames),
        seq_scores=pool_sequence_scores(window_seq), windows=windows,
        window_seq_scores=window_seq, num_frames=int(num_frames),
        duration=float(opened['duration']), stride=int(stride))
