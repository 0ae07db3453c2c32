"""Write real mp4 files (H.264 video + AAC audio) with PyAV, atomically."""
from fractions import Fraction

import numpy as np

from ...utils.atomic_files import atomic_path


def write_av_mp4(path: str, frames: np.ndarray, fps: float, audio: np.ndarray | None = None,
                 sample_rate: int = 16000, keyframe_interval: int = 10) -> None:
    """Write ``frames`` (N, H, W, 3) uint8 and mono ``audio`` (S,) float in [-1, 1] to ``path``.

    H and W must be even (yuv420p). ``audio=None`` writes a file without an audio track (used by
    tests of the "mp4 without audio" error). The file is written under a temporary name in the
    same folder and renamed into place, so an interrupted run never leaves a truncated mp4.
    ``keyframe_interval`` is the H.264 GOP length in frames (x264's own default is 250; camera
    recordings often use 1-2 s), which sets how much a sparse seek has to decode.
    """
    import av

    frames = np.ascontiguousarray(frames, dtype=np.uint8)
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f'frames must be (N, H, W, 3) uint8, got {frames.shape} for {path}')
    n, h, w, _ = frames.shape
    if h % 2 or w % 2:
        raise ValueError(f'frame size must be even for yuv420p, got {h}x{w} for {path}')
    with atomic_path(path, suffix='.mp4') as tmp:
        with av.open(tmp, mode='w') as container:
            rate = Fraction(fps).limit_denominator(1000)
            vstream = container.add_stream('libx264', rate=rate)
            vstream.width, vstream.height = w, h
            vstream.pix_fmt = 'yuv420p'
            # Same frames -> same bytes. x264 gave different bytes for identical frames from
            # run to run: with its default threads (4 of 30 tiny-preset files), and with one
            # thread still through its macroblock-tree lookahead (2 of 15 files over 4 runs in
            # one process). One thread and no mbtree lookahead: 0 of 30 over 6 runs, beside a
            # second encoding process (2026-12-07; tests/datasets/synthetic/test_generator.py).
            vstream.codec_context.thread_count = 1
            vstream.options = {
                'preset': 'veryfast', 'crf': '23', 'g': str(int(keyframe_interval)),
                'threads': '1',
                'x264-params': 'threads=1:lookahead-threads=1:sliced-threads=0:mbtree=0:'
                               'rc-lookahead=0'}
            astream = None
            if audio is not None:
                astream = container.add_stream('aac', rate=sample_rate)
                astream.layout = 'mono'
                # ffmpeg's fast AAC coder: the default (twoloop) took half of the set's
                # generation time
                astream.options = {'aac_coder': 'fast'}
                astream.codec_context.thread_count = 1
            for i in range(n):
                frame = av.VideoFrame.from_ndarray(frames[i], format='rgb24')
                frame.pts, frame.time_base = i, 1 / rate  # explicit timestamps
                for packet in vstream.encode(frame):
                    container.mux(packet)
            for packet in vstream.encode():
                container.mux(packet)
            if astream is not None:
                samples = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)
                chunk = 1024
                for start in range(0, len(samples), chunk):
                    block = samples[start:start + chunk][None, :]
                    aframe = av.AudioFrame.from_ndarray(block, format='fltp', layout='mono')
                    aframe.sample_rate = sample_rate
                    aframe.pts = start
                    for packet in astream.encode(aframe):
                        container.mux(packet)
                for packet in astream.encode():
                    container.mux(packet)
