"""Helpers of the bad-input matrix: a small good recording, its broken variants, a worker loader.

The good recording ``Home1/05/1-Part1`` has 2 views (4 s, 10 fps, 64x48 H.264 + AAC), one
trick and a human-mask file on its 2.5-FPS grid (T_full = 10). Every case copies it to its own
folder and breaks one thing; :func:`load_first_sample` then builds the data loader as MMEngine's
Runner does and reads the first sample in a real worker process (``num_workers=1``).
"""
import os
import os.path as osp
import shutil
from fractions import Fraction

import numpy as np
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmvicokd.datasets.caches.frame_cache import build_frame_cache

from .fixtures import view_tone, write_json, write_recording

REC = 'Home1/05/1-Part1'
SECONDS = 4.0
T_FULL = 10  # 4 s on the 2.5-FPS grid
CLIP_LEN = 4
RESIZE = 16
TRICKS = [dict(start=0.4, end=2.0, labels=['Enter'])]
GREY_PER_SECOND = 60


def view_file(root: str, view: int) -> str:
    return osp.join(root, f'Home1/05/1-View{view}-Part1.mp4')


def write_good_set(root: str, cache: bool = True) -> str:
    """The good recording, ``ann.json``, ``human_masks.json`` and (``cache``) ``cache/``."""
    entry = write_recording(root, '05/1', num_views=2, seconds=SECONDS)
    entry['tricks'] = [dict(t) for t in TRICKS]
    write_json(osp.join(root, 'ann.json'), [entry])
    write_json(osp.join(root, 'human_masks.json'), {REC: [[0.9] * T_FULL] * 2})
    if cache:
        build_frame_cache(root, ['ann.json'], osp.join(root, 'cache'), resize=RESIZE, workers=1)
    return root


def copy_set(good: str, dst: str) -> str:
    """A private copy (mtimes kept, so the copied frame cache stays up to date)."""
    return shutil.copytree(good, dst)


def pipeline(cache_dir: str | None = None, clip_len: int = CLIP_LEN) -> list:
    first = (dict(type='LoadMultiViewCache', cache_dir=cache_dir) if cache_dir
             else dict(type='MultiViewDecordInit'))
    return [
        first,
        dict(type='SampleMultiViewFrames', clip_len=clip_len, test_mode=True),
        dict(type='DecodeMultiViewVideo', resize=RESIZE),
        dict(type='LoadAudioFbank'),
        dict(type='LoadFrameLabels'),
        dict(type='LoadHumanMasks'),
        dict(type='PackMultiViewInputs'),
    ]


def dataset_cfg(root: str, ann_file: str = 'ann.json', cache: bool = False,
                clip_len: int = CLIP_LEN, **kwargs) -> dict:
    kwargs.setdefault('human_mask_file', 'human_masks.json')
    return dict(type='MultiSensorHomeDataset', data_root=root, ann_file=ann_file,
                pipeline=pipeline(osp.join(root, 'cache') if cache else None, clip_len),
                test_mode=True, **kwargs)


def load_first_sample(dataset: dict, num_workers: int = 1) -> dict:
    """Build the loader as the Runner does (``Runner.build_dataloader``) and read one batch."""
    init_default_scope('mmaction')
    loader = Runner.build_dataloader(
        dict(batch_size=1, num_workers=num_workers, persistent_workers=False,
             sampler=dict(type='DefaultSampler', shuffle=False), dataset=dataset), seed=0)
    batches = iter(loader)
    try:
        return next(batches)
    finally:
        # The traceback of an error keeps the iterator alive; stop its worker now rather than
        # when the garbage collector gets to it (which waits up to 5 s for the worker).
        if num_workers:
            batches._shutdown_workers()


def time_frames(num_frames: int, fps: float, width: int, height: int) -> np.ndarray:
    """(N, H, W, 3) uint8 frames whose grey level is 60 * (time in seconds): content = time.

    60 levels a second leave >= 2.4 levels between frames at up to 25 fps, more than the
    codecs' error on flat frames (<= 1 level), so a decoded frame's native index is exact.
    """
    grey = np.round(GREY_PER_SECOND * np.arange(num_frames) / fps).astype(np.uint8)
    return np.broadcast_to(grey[:, None, None, None], (num_frames, height, width, 3)).copy()


def write_mp4(path: str, frames: np.ndarray, fps: float, codec: str = 'libx264',
              audio: np.ndarray | None = None, sample_rate: int = 16000) -> None:
    """Write an mp4 with any PyAV video ``codec`` (the project writer always uses H.264)."""
    import av

    os.makedirs(osp.dirname(path), exist_ok=True)
    with av.open(path, mode='w') as container:
        stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = 'yuv420p'
        if codec == 'mpeg4':
            stream.bit_rate = 4_000_000  # near lossless: grey levels encode time
        astream = container.add_stream('aac', rate=sample_rate) if audio is not None else None
        if astream is not None:
            astream.layout = 'mono'
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format='rgb24')):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if astream is not None:
            for start in range(0, len(audio), 1024):
                block = av.AudioFrame.from_ndarray(audio[None, start:start + 1024],
                                                   format='fltp', layout='mono')
                block.sample_rate, block.pts = sample_rate, start
                for packet in astream.encode(block):
                    container.mux(packet)
            for packet in astream.encode():
                container.mux(packet)


def write_mixed_views(root: str, views: list) -> dict:
    """One recording whose views differ in rate, size and codec; frames encode time.

    ``views``: ``(fps, width, height, codec)`` per view. Returns the annotation entry.
    """
    entry = {}
    for v, (fps, width, height, codec) in enumerate(views, start=1):
        url = f'Home1/06/1-View{v}-Part1.mp4'
        frames = time_frames(int(round(SECONDS * fps)), fps, width, height)
        write_mp4(osp.join(root, url), frames, fps, codec, view_tone(v, SECONDS, 16000))
        entry[f'video_url_{v}'] = url
    entry['tricks'] = [dict(t) for t in TRICKS]
    return entry
