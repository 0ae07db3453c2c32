"""The benchmark's test recording: MultiSensor-Home-shaped views written by ``write_av_mp4``."""
import json
import os.path as osp
import time

import numpy as np

from ...datasets.functional import sample_frame_indices, video_frame_indices
from ...datasets.synthetic.media_writer import write_av_mp4
from ...datasets.transforms import MultiViewDecordInit

GRID_FPS = 2.5
RECORDING_ID = '01/1-Part1'
RESIZE = 224  # DecodeMultiViewVideo's frame size in the Home-1 configs
TRAIN_BATCH = (12, 5, 70)  # B x V x T of the Home-1 configs
TRAIN_BATCH_FRAMES = 12 * 5 * 70


def view_frames(num_frames: int, height: int, width: int, seed: int) -> np.ndarray:
    """(N, H, W, 3) uint8: a textured room, a moving figure and a little sensor noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    gradient = np.stack([xx / width, yy / height, (xx + yy) / (width + height)], -1) * 255
    cells = rng.integers(0, 256, (height // 16 + 1, width // 16 + 1, 3)).astype(np.float32)
    texture = cells.repeat(16, 0).repeat(16, 1)[:height, :width]
    room = 0.6 * gradient + 0.4 * texture
    noise = rng.integers(-3, 4, (8, height, width, 3)).astype(np.float32)
    fig_h, fig_w = max(2, height // 3), max(2, width // 8)
    phase = rng.uniform(0, 2 * np.pi)
    frames = np.empty((num_frames, height, width, 3), dtype=np.uint8)
    for i in range(num_frames):
        frame = room + noise[i % len(noise)]
        x = int((width - fig_w) * (0.5 + 0.5 * np.sin(phase + i / 30)))
        y = int((height - fig_h) * (0.5 + 0.5 * np.cos(phase + i / 45)))
        frame[y:y + fig_h, x:x + fig_w] = (200, 80, 60)
        frames[i] = np.clip(frame, 0, 255)
    return frames


def view_audio(seconds: float, sample_rate: int, seed: int) -> np.ndarray:
    """(S,) float32 mono: room noise plus a tone."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    tone = 0.2 * np.sin(2 * np.pi * (300 + 200 * seed) * t)
    return (tone + 0.05 * rng.standard_normal(len(t))).astype(np.float32)


def write_recording(folder: str, num_views: int, duration: float, fps: float, width: int,
                    height: int, audio_rate: int, keyframe_interval: int = 30) -> dict:
    """Write one MultiSensor-Home-style recording, its annotation and human-mask files.

    Returns ``dict(filenames, ann_file, mask_file, write_s)``.
    """
    t0 = time.perf_counter()
    num_frames = int(round(duration * fps))
    entry, filenames = {}, []
    for view in range(1, num_views + 1):
        url = f'01/1-View{view}-Part1.mp4'
        path = osp.join(folder, url)
        write_av_mp4(path, view_frames(num_frames, height, width, seed=view), fps,
                     view_audio(duration, audio_rate, seed=view), audio_rate,
                     keyframe_interval=keyframe_interval)
        entry[f'video_url_{view}'] = url
        filenames.append(path)
    entry['tricks'] = [dict(start=0.2 * duration, end=0.6 * duration, labels=['Drink']),
                       dict(start=0.5 * duration, end=0.9 * duration, labels=['UsePhone'])]
    ann_file = osp.join(folder, 'benchmark.json')
    with open(ann_file, 'w') as f:
        json.dump([entry], f)
    grid = max(1, int(duration * GRID_FPS))
    scores = np.random.default_rng(0).random((num_views, grid)).round(3).tolist()
    mask_file = osp.join(folder, 'human_masks.json')
    with open(mask_file, 'w') as f:
        json.dump({RECORDING_ID: scores}, f)
    return dict(filenames=filenames, ann_file=ann_file, mask_file=mask_file,
                write_s=time.perf_counter() - t0)


def one_view_results(path: str) -> dict:
    return dict(recording_id=RECORDING_ID, ann_file='(benchmark)', filenames=[path],
                fps=GRID_FPS)


def grid_indices(path: str, clip_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Test-mode grid indices (T,) of the view and their native frame numbers (T,)."""
    results = MultiViewDecordInit()(one_view_results(path))
    grid = sample_frame_indices(results['num_clip_frames'], clip_len, test_mode=True)
    native = video_frame_indices(grid, GRID_FPS, results['avg_fps'][0],
                                 len(results['video_readers'][0]))
    return grid, native
