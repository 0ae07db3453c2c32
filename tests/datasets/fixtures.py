"""Writers of tiny real MultiSensor-Home-style recordings (used by conftest.py and the tests).

Each view is a 64x48 H.264 mp4 at 10 fps with its own AAC sine tone. The left half of every
frame is the view's solid colour; the right half is grey level ``GREY_STEP * frame_index``, so a
decoded frame tells which native frame it is.
"""
import json
import os.path as osp

import numpy as np

from mmvicokd.datasets.synthetic.media_writer import write_av_mp4

VIEW_COLOURS = ((230, 30, 30), (30, 230, 30), (30, 30, 230), (230, 230, 30), (30, 230, 230))
VIEW_TONES_HZ = (300.0, 700.0, 1500.0, 3000.0, 5000.0)
GREY_STEP = 4
FPS = 10
WIDTH, HEIGHT = 64, 48
SECONDS = 6.0
CLASSES = ('AdjustAC', 'Clean', 'CleanVacuum', 'CloseCurtain', 'Drink', 'Eat', 'Enter', 'Exit',
           'OpenCurtain', 'ReadBook', 'Sitdown', 'Standup', 'TurnOffLamp', 'TurnOnLamp',
           'UseLaptop', 'UsePhone')


def view_frames(view: int, num_frames: int) -> np.ndarray:
    """(N, H, W, 3) uint8 frames of 1-based ``view``."""
    frames = np.empty((num_frames, HEIGHT, WIDTH, 3), dtype=np.uint8)
    frames[:, :, :WIDTH // 2] = VIEW_COLOURS[view - 1]
    frames[:, :, WIDTH // 2:] = (np.arange(num_frames) * GREY_STEP)[:, None, None, None]
    return frames


def view_tone(view: int, seconds: float, sample_rate: int) -> np.ndarray:
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    return (0.5 * np.sin(2 * np.pi * VIEW_TONES_HZ[view - 1] * t)).astype(np.float32)


def write_recording(root: str, rec: str = '01/3', part: str = 'Part1', num_views: int = 3,
                    seconds: float = SECONDS, sample_rate: int = 16000,
                    audio_views=None) -> dict:
    """Write views 1..num_views of ``Home1/{rec}-View{n}-{part}.mp4`` under ``root``.

    ``audio_views`` lists the views given an audio track (all by default). Returns the
    annotation entry without ``tricks``.
    """
    num_frames = int(round(seconds * FPS))
    entry = {}
    for view in range(1, num_views + 1):
        url = f'Home1/{rec}-View{view}-{part}.mp4'
        audio = (view_tone(view, seconds, sample_rate)
                 if audio_views is None or view in audio_views else None)
        write_av_mp4(osp.join(root, url), view_frames(view, num_frames), FPS, audio, sample_rate)
        entry[f'video_url_{view}'] = url
    return entry


def write_json(path: str, content) -> str:
    with open(path, 'w') as f:
        json.dump(content, f)
    return path
