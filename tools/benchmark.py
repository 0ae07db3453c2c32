"""Benchmarks behind the performance facts of DESIGN.md section 8: our code paths vs naive ones.

    python tools/benchmark.py [--duration 30] [--fps 15] [--width 320] [--height 240] \
        [--views 5] [--clip-len 70] [--audio-rate 48000] [--threads 1] [--repeats 3] \
        [--arch vit_small_patch32_224] [--img-size 224] [--enc-views 5] [--enc-frames 2] \
        [--chunk-sizes 2,5,all] [--vc-shape 12,5,70,16] [--json results.json]

Writes one recording of ``--views`` H.264 + AAC views (``write_av_mp4``; the shape of a
MultiSensor-Home file is 60 s, 320x240, 10-25 fps) into a temporary folder, then measures:

1. video: the T sampled frames of one view through ``MultiViewDecordInit`` +
   ``DecodeMultiViewVideo`` (one reader, one ``get_batch``) vs decord ``vr[i]`` per frame vs
   OpenCV seeking (``CAP_PROP_POS_FRAMES`` per frame) vs decoding every frame then indexing.
   Every path opens the file, decodes single-threaded and resizes like ours.
2. audio: ``LoadAudioFbank`` (one fbank per track, sliced) vs one kaldi fbank per window.
3. pipeline: each transform of the Home-1 train pipeline on one ``--views``-view recording.
4. encoder: ``TimmViTEncoder`` forward on (1, enc-views, enc-frames, 3, S, S) per chunk size,
   frozen (no grad) and trainable (grad kept for backward): time and peak RSS growth, measured
   in a fresh subprocess. The CPU defaults are small (10 frames); ``--enc-frames 70
   --chunk-sizes 64,256,all`` is one real sample. The trainable peak per frame is also
   extrapolated to a training batch (12 x 5 x 70 frames).
5. view consistency: the vectorised ``view_consistency`` (Eq. 10) vs a Python loop over view
   pairs and frames, forward + backward, after checking both give the same value and gradient.

Each comparison runs in one process, interleaved, ``--repeats`` times after a warm-up round
(which also checks that the paths agree); medians and ratios to our path are printed as
markdown tables (``--json`` also writes them). Torch runs ``--threads`` intra-op threads, 1 by
default as in a data loader worker: on a shared machine, multi-threaded small ops mostly measure
how long the other threads wait to be scheduled. The defaults take about a minute on 2 cores.
"""
import argparse
import copy
import json
import os
import os.path as osp
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import cv2
import decord
import numpy as np
import torch
import torchaudio
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config

import mmvicokd  # noqa: F401  (registers our transforms and models)
from mmvicokd.datasets.functional import sample_frame_indices, video_frame_indices
from mmvicokd.datasets.multisensor_home_dataset import MultiSensorHomeDataset
from mmvicokd.datasets.synthetic.media_writer import write_av_mp4
from mmvicokd.datasets.transforms import (DecodeMultiViewVideo, LoadAudioFbank,
                                          MultiViewDecordInit)
from mmvicokd.datasets.transforms.load_audio_fbank import (FBANK_FRAMES_PER_SECOND,
                                                            decode_audio_track, kaldi_fbank)
from mmvicokd.models.losses.functional import view_consistency
from mmvicokd.utils.benchmark import markdown_table, peak_rss_of, ratio_rows, time_interleaved

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
PIPELINE_CONFIG = osp.join(REPO, 'configs', '_base_', 'datasets', 'multisensor_home1.py')
GRID_FPS = 2.5
RECORDING_ID = '01/1-Part1'
RESIZE = 224  # DecodeMultiViewVideo's frame size in the Home-1 configs
TRAIN_BATCH_FRAMES = 12 * 5 * 70  # B x V x T of the Home-1 configs
# Large blocks go back to the system when freed, so each encoder run's peak RSS is its own.
CHILD_ENV = dict(MALLOC_MMAP_THRESHOLD_='131072')


# --------------------------------------------------------------------------- test recording

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


def _one_view_results(path: str) -> dict:
    return dict(recording_id=RECORDING_ID, ann_file='(benchmark)', filenames=[path],
                fps=GRID_FPS)


def _grid_indices(path: str, clip_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Test-mode grid indices (T,) of the view and their native frame numbers (T,)."""
    results = MultiViewDecordInit()(_one_view_results(path))
    grid = sample_frame_indices(results['num_clip_frames'], clip_len, test_mode=True)
    native = video_frame_indices(grid, GRID_FPS, results['avg_fps'][0],
                                 len(results['video_readers'][0]))
    return grid, native


# --------------------------------------------------------------------------- 1. video

def _resize_square(frames: np.ndarray, size: int) -> np.ndarray:
    return np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_LINEAR)
                     for f in frames])


def bench_video(path: str, clip_len: int, repeats: int) -> dict:
    """Decode T = ``clip_len`` sampled frames of one view four ways (all single-threaded),
    each resized to ``RESIZE`` squares as ours.

    Each path's output is first compared with ours (shape, mean absolute difference); that run
    is also its warm-up.
    """
    grid, native = _grid_indices(path, clip_len)
    init, decode = MultiViewDecordInit(), DecodeMultiViewVideo(resize=RESIZE)

    def ours():
        results = init(_one_view_results(path))
        results['frame_inds'] = grid
        return decode(results)['imgs'][0]

    def decord_per_frame():
        reader = decord.VideoReader(path, num_threads=1)
        return _resize_square(np.stack([reader[int(i)].asnumpy() for i in native]), RESIZE)

    def opencv_seek():
        cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
        frames = []
        for i in native:
            cap.set(cv2.CAP_PROP_POS_FRAMES, int(i))
            ok, frame = cap.read()
            if not ok:
                raise RuntimeError(f'OpenCV cannot read frame {i} of {path}')
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        cap.release()
        return _resize_square(np.stack(frames), RESIZE)

    def decode_all_then_index():
        reader = decord.VideoReader(path, num_threads=1)
        every_frame = reader.get_batch(np.arange(len(reader))).asnumpy()
        return _resize_square(every_frame[native], RESIZE)

    cases = {'ours: DecordInit + DecodeMultiViewVideo (one get_batch)': ours,
             'decord vr[i] per frame': decord_per_frame,
             'OpenCV seek per frame (CAP_PROP_POS_FRAMES)': opencv_seek,
             'decord: decode every frame, then index': decode_all_then_index}
    reference = next(iter(cases))
    expected = ours()
    diffs = {}
    for name, fn in cases.items():
        frames = fn()
        if frames.shape != expected.shape:
            raise RuntimeError(f'{name} returned frames {frames.shape}, ours {expected.shape}')
        diffs[name] = float(np.abs(frames.astype(np.float32) - expected).mean())
    rows = ratio_rows(time_interleaved(cases, repeats), reference)
    for row in rows:
        row['mean_abs_diff_vs_ours'] = diffs[row['name']]
    return dict(frames=clip_len, native_frames_read=native.tolist(), rows=rows)


# --------------------------------------------------------------------------- 2. audio

def bench_audio(path: str, clip_len: int, repeats: int) -> dict:
    """Fbank windows of one track: whole-track fbank sliced (ours) vs one fbank per window.

    Both must give the same windows (checked first; that run is also the warm-up).
    """
    grid, _ = _grid_indices(path, clip_len)
    load = LoadAudioFbank()
    shift = load.sample_rate // FBANK_FRAMES_PER_SECOND  # samples per fbank frame
    frame_length = load.sample_rate * 25 // 1000  # kaldi's 25 ms window

    def decode_and_resample():
        waveform, rate = decode_audio_track(path, RECORDING_ID)
        wav = torch.from_numpy(waveform)[None]
        if rate != load.sample_rate:
            wav = torchaudio.functional.resample(wav, rate, load.sample_rate)
        return wav[0].numpy()

    def ours():
        results = _one_view_results(path)
        results['frame_inds'] = grid
        return load(results)['audio'][0]

    def fbank_per_window():
        waveform = decode_and_resample()
        starts = np.round(grid / GRID_FPS * FBANK_FRAMES_PER_SECOND).astype(np.int64)
        out = np.zeros((len(grid), load.window_frames, load.num_mel_bins), dtype=np.float32)
        span = (load.window_frames - 1) * shift + frame_length
        for t, start in enumerate(starts):
            segment = waveform[start * shift:start * shift + span]
            if len(segment) >= frame_length:
                fbank = kaldi_fbank(segment, load.sample_rate, load.num_mel_bins,
                                    load.sample_rate)
                out[t, :len(fbank)] = fbank
        return out

    expected, naive = ours(), fbank_per_window()
    max_diff = float(np.abs(expected - naive).max())
    if not np.allclose(expected, naive, atol=1e-3, rtol=1e-4):
        raise RuntimeError(f'per-window fbank differs from LoadAudioFbank by up to {max_diff}')
    cases = {'ours: LoadAudioFbank (one fbank per track, sliced)': ours,
             f'kaldi fbank per window ({clip_len} windows)': fbank_per_window,
             'decode + resample only (shared by both)': decode_and_resample}
    decode_and_resample()  # its warm-up
    rows = ratio_rows(time_interleaved(cases, repeats), next(iter(cases)))
    return dict(windows=clip_len, max_abs_diff=max_diff, rows=rows)


# --------------------------------------------------------------------------- 3. pipeline

def train_pipeline(clip_len: int) -> list:
    """The Home-1 train pipeline config, with ``clip_len`` frames."""
    pipeline = copy.deepcopy(Config.fromfile(PIPELINE_CONFIG).train_pipeline)
    for step in pipeline:
        if step['type'] == 'SampleMultiViewFrames':
            step['clip_len'] = clip_len
    return pipeline


def bench_pipeline(recording: dict, clip_len: int, repeats: int, warmup: int) -> dict:
    """Seconds per transform of the train pipeline on one multi-view recording, and shares.

    ``warmup`` untimed runs come first.
    """
    dataset = MultiSensorHomeDataset(ann_file=recording['ann_file'],
                                     data_root=osp.dirname(recording['ann_file']),
                                     human_mask_file=recording['mask_file'], pipeline=[])
    info = dataset.get_data_info(0)
    steps = [(cfg['type'], TRANSFORMS.build(cfg)) for cfg in train_pipeline(clip_len)]
    times = {name: [] for name, _ in steps}
    totals = []
    packed = None
    for r in range(warmup + repeats):
        np.random.seed(r)  # random train offsets, the same ones in every invocation
        results = copy.deepcopy(info)
        t_run = time.perf_counter()
        for name, step in steps:
            t0 = time.perf_counter()
            results = step(results)
            if r >= warmup:
                times[name].append(time.perf_counter() - t0)
        if r >= warmup:
            totals.append(time.perf_counter() - t_run)
        packed = results
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    whole = sum(medians.values())
    rows = [dict(name=name, median_s=medians[name], times_s=times[name],
                 share=medians[name] / whole) for name in medians]
    decode = sum(row['share'] for row in rows
                 if row['name'] in ('MultiViewDecordInit', 'DecodeMultiViewVideo'))
    inputs = {k: list(v.shape) for k, v in packed['inputs'].items()}
    return dict(views=len(info['filenames']), frames=clip_len, inputs=inputs, rows=rows,
                total_median_s=statistics.median(totals), video_decode_share=decode)


# --------------------------------------------------------------------------- 4. encoder

def _chunk_value(chunk, num_frames: int) -> int:
    return num_frames if chunk == 'all' else int(chunk)


def encoder_child(spec: dict) -> dict:
    """Run in a fresh process: peak RSS growth and time of each (mode, chunk size) forward."""
    torch.set_num_threads(spec['threads'])
    views, frames, size = spec['views'], spec['frames'], spec['img_size']
    num_frames = views * frames
    x = torch.randn(1, views, frames, 3, size, size, generator=torch.Generator().manual_seed(0))

    def forward(encoder, chunk_size):
        def run():
            encoder.chunk_size = chunk_size  # same weights for every chunk size
            return encoder(x)
        return run

    forwards, memory, calls = {}, {}, {}
    for mode in ('frozen', 'trainable'):
        encoder = MODELS.build(dict(type='TimmViTEncoder', arch=spec['arch'], img_size=size,
                                    frozen=mode == 'frozen'))
        encoder.train()  # a frozen encoder stays in eval mode
        for chunk in spec['chunk_sizes']:
            chunk_size = _chunk_value(chunk, num_frames)
            forwards[f'{mode}|{chunk}'] = forward(encoder, chunk_size)
            calls[f'{mode}|{chunk}'] = -(-num_frames // chunk_size)
    next(iter(forwards.values()))()  # one-time set-up of torch's kernels and thread pool
    for key, forward in forwards.items():  # each memory run also warms its case up
        memory[key] = peak_rss_of(forward)
    times = time_interleaved(forwards, spec['repeats'])
    rows = []
    for key, ts in times.items():
        mode, chunk = key.split('|')
        rows.append(dict(mode=mode, chunk_size=chunk, calls=calls[key],
                         median_s=statistics.median(ts), times_s=ts,
                         peak_rss_growth_mib=memory[key] / 2 ** 20))
    return dict(arch=spec['arch'], input_shape=list(x.shape), out_dim=encoder.out_dim,
                torch_threads=torch.get_num_threads(), rows=rows)


def bench_encoder(arch: str, img_size: int, views: int, frames: int, chunk_sizes: list,
                  repeats: int, threads: int) -> dict:
    """``encoder_child`` in a subprocess (so the memory of one run does not hide the next's),
    with ``threads`` torch intra-op threads.
    """
    spec = dict(arch=arch, img_size=img_size, views=views, frames=frames,
                chunk_sizes=chunk_sizes, repeats=repeats, threads=threads)
    proc = subprocess.run([sys.executable, osp.abspath(__file__), '--encoder-child',
                           json.dumps(spec)], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **CHILD_ENV})
    if proc.returncode != 0:
        raise RuntimeError(f'encoder benchmark subprocess failed:\n{proc.stderr[-4000:]}')
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    num_frames = views * frames
    per_frame = max(r['peak_rss_growth_mib'] for r in result['rows']
                    if r['mode'] == 'trainable') / num_frames
    result['trainable_mib_per_frame'] = per_frame
    result['trainable_gib_per_batch'] = per_frame * TRAIN_BATCH_FRAMES / 1024
    result['memory_method'] = ('peak RSS growth during the forward (Linux VmHWM after a reset '
                               'via /proc/self/clear_refs) in a fresh process with '
                               f'{CHILD_ENV}; input and weights excluded')
    return result


# --------------------------------------------------------------------------- 5. VC loss

def naive_view_consistency(probs, masks):
    """Eq. 10 (JS, confidence weights, masks) with Python loops over view pairs and frames."""
    eps = 1e-8
    batch, num_views, num_frames, _ = probs.shape
    total = probs.new_zeros(batch)
    pairs = 0
    for i in range(num_views):
        for j in range(i + 1, num_views):
            pairs += 1
            for t in range(num_frames):
                p, q = probs[:, i, t], probs[:, j, t]
                m = 0.5 * (p + q)
                js = 0.5 * (p * (p.clamp(min=eps).log() - m.clamp(min=eps).log())).sum(-1) \
                    + 0.5 * (q * (q.clamp(min=eps).log() - m.clamp(min=eps).log())).sum(-1)
                weight = (p.max(-1).values * q.max(-1).values).detach()
                both = (masks[:, i, t] & masks[:, j, t]).to(probs.dtype)
                total = total + weight * both * js
    return total.mean() / (pairs * num_frames)


def bench_view_consistency(shape: tuple, repeats: int) -> dict:
    """Forward + backward of the view-consistency loss on softmax probabilities ``shape``.

    Both versions must give the same loss and gradient (checked first; that run is also the
    warm-up).
    """
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(*shape, generator=gen)
    masks = torch.rand(*shape[:3], generator=gen) < 0.7

    def run(loss_fn):
        leaf = logits.clone().requires_grad_(True)
        loss = loss_fn(leaf.softmax(-1), masks)
        loss.backward()
        return loss.detach(), leaf.grad

    def ours():
        return run(view_consistency)

    def naive():
        return run(naive_view_consistency)

    (value, grad), (naive_value, naive_grad) = ours(), naive()
    value_diff = float((value - naive_value).abs())
    grad_diff = float((grad - naive_grad).abs().max())
    if not (torch.allclose(value, naive_value, rtol=1e-5, atol=1e-7)
            and torch.allclose(grad, naive_grad, rtol=1e-4, atol=1e-8)):
        raise RuntimeError(f'vectorised and looped view consistency disagree: value diff '
                           f'{value_diff}, gradient diff {grad_diff}')
    cases = {'ours: vectorised view_consistency': ours,
             'Python loop over view pairs and frames': naive}
    rows = ratio_rows(time_interleaved(cases, repeats), next(iter(cases)))
    return dict(shape=list(shape), loss=float(value), value_abs_diff=value_diff,
                grad_max_abs_diff=grad_diff, equal=True, rows=rows)


# --------------------------------------------------------------------------- report

def _ratio_table(rows: list) -> str:
    return markdown_table(['path', 'median s', 'time / ours'],
                          [(r['name'], r['median_s'], r['ratio']) for r in rows])


def format_report(results: dict) -> str:
    """The results as markdown sections."""
    env, rec = results['environment'], results['recording']
    out = [f"# Benchmark ({env['cpu_count']} CPUs, torch threads {env['torch_threads']}, "
           f"load average {env['loadavg_start']} at start, {env['loadavg_end']} at end; "
           f"median of {results['args']['repeats']})",
           f"Recording: {rec['views']} views, {rec['duration_s']} s, {rec['width']}x"
           f"{rec['height']} @ {rec['fps']} fps, keyframe every {rec['keyframe_interval']} "
           f"frames, AAC {rec['audio_rate']} Hz "
           f"(written in {rec['write_s']:.1f} s)"]
    video = results['video']
    out += ['', f"## 1. Video: {video['frames']} sampled frames of one view (single-threaded "
                f"decoders, resized to {RESIZE})", _ratio_table(video['rows'])]
    audio = results['audio']
    out += ['', f"## 2. Audio fbank windows of one track ({audio['windows']} windows; "
                f"max |diff| {audio['max_abs_diff']:.2g})", _ratio_table(audio['rows'])]
    pipe = results['pipeline']
    out += ['', f"## 3. Train pipeline, one sample ({pipe['views']} views x {pipe['frames']} "
                f"frames; inputs {pipe['inputs']})",
            markdown_table(['transform', 'median s', 'share'],
                           [(r['name'], r['median_s'], f"{100 * r['share']:.1f}%")
                            for r in pipe['rows']]),
            f"Whole sample: {pipe['total_median_s']:.3g} s; video decoding (DecordInit + "
            f"Decode) {100 * pipe['video_decode_share']:.1f}% of it."]
    enc = results['encoder']
    out += ['', f"## 4. Encoder {enc['arch']} on {tuple(enc['input_shape'])} "
                f"(D={enc['out_dim']}, torch threads {enc['torch_threads']})",
            markdown_table(['mode', 'chunk_size', 'calls', 'median s', 'peak RSS growth MiB'],
                           [(r['mode'], r['chunk_size'], r['calls'], r['median_s'],
                             r['peak_rss_growth_mib']) for r in enc['rows']]),
            f"Memory: {enc['memory_method']}.",
            f"Trainable: {enc['trainable_mib_per_frame']:.3g} MiB kept per frame, i.e. "
            f"~{enc['trainable_gib_per_batch']:.3g} GiB for one training batch of "
            f"{TRAIN_BATCH_FRAMES} frames (12 x 5 x 70, float32, linear extrapolation)."]
    vc = results['view_consistency']
    out += ['', f"## 5. View-consistency loss, forward + backward on {tuple(vc['shape'])} "
                f"(equal: value diff {vc['value_abs_diff']:.2g}, grad diff "
                f"{vc['grad_max_abs_diff']:.2g})", _ratio_table(vc['rows'])]
    return '\n'.join(out)


def _environment() -> dict:
    return dict(python=platform.python_version(), torch=torch.__version__,
                decord=decord.__version__, opencv=cv2.__version__,
                cpu_count=os.cpu_count(), torch_threads=torch.get_num_threads(),
                loadavg_start=[round(v, 2) for v in os.getloadavg()])


def run_all(args: argparse.Namespace) -> dict:
    """Every benchmark; returns the results dict that ``--json`` writes."""
    torch.set_num_threads(args.threads)
    results = dict(args=vars(args), environment=_environment())
    with tempfile.TemporaryDirectory(prefix='mmvicokd-benchmark-') as folder:
        rec = write_recording(folder, args.views, args.duration, args.fps, args.width,
                              args.height, args.audio_rate, args.keyframe_interval)
        results['recording'] = dict(views=args.views, duration_s=args.duration, fps=args.fps,
                                    width=args.width, height=args.height,
                                    keyframe_interval=args.keyframe_interval,
                                    audio_rate=args.audio_rate, write_s=rec['write_s'])
        view1 = rec['filenames'][0]
        results['video'] = bench_video(view1, args.clip_len, args.repeats)
        results['audio'] = bench_audio(view1, args.clip_len, args.repeats)
        # The decoders were warmed up above, so every pipeline run is timed.
        results['pipeline'] = bench_pipeline(rec, args.clip_len, args.repeats, warmup=0)
    results['encoder'] = bench_encoder(args.arch, args.img_size, args.enc_views,
                                       args.enc_frames, args.chunk_sizes, args.repeats,
                                       args.threads)
    results['view_consistency'] = bench_view_consistency(tuple(args.vc_shape), args.repeats)
    results['environment']['loadavg_end'] = [round(v, 2) for v in os.getloadavg()]
    return results


# --------------------------------------------------------------------------- CLI

def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be >= 1, got {value}')
    return value


def _even_int(text: str) -> int:
    value = _positive_int(text)
    if value % 2:
        raise argparse.ArgumentTypeError(f'H.264 yuv420p needs an even size, got {value}')
    return value


def _chunk_sizes(text: str) -> list:
    sizes = [c.strip() for c in text.split(',') if c.strip()]
    for c in sizes:
        if c != 'all' and not (c.isdigit() and int(c) >= 1):
            raise argparse.ArgumentTypeError(f"chunk sizes are integers >= 1 or 'all', got {c!r}")
    if not sizes:
        raise argparse.ArgumentTypeError('give at least one chunk size')
    return sizes


def _vc_shape(text: str) -> list:
    shape = [int(v) for v in text.split(',')]
    if len(shape) != 4 or min(shape) < 1 or shape[1] < 2:
        raise argparse.ArgumentTypeError(f'--vc-shape is B,V,T,C with V >= 2, got {text!r}')
    return shape


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--duration', type=float, default=30.0,
                        help='seconds per view (MultiSensor-Home: 60)')
    parser.add_argument('--fps', type=float, default=15.0, help='native video frame rate')
    parser.add_argument('--keyframe-interval', type=_positive_int, default=30,
                        help='H.264 GOP length in frames (cameras often use 1-2 s)')
    parser.add_argument('--width', type=_even_int, default=320, help='frame width')
    parser.add_argument('--height', type=_even_int, default=240, help='frame height')
    parser.add_argument('--views', type=_positive_int, default=5, help='views per recording')
    parser.add_argument('--clip-len', type=_positive_int, default=70, help='sampled frames T')
    parser.add_argument('--audio-rate', type=_positive_int, default=48000,
                        help='AAC sample rate of the written files')
    parser.add_argument('--threads', type=_positive_int, default=1,
                        help='torch intra-op threads (1, as in a data loader worker)')
    parser.add_argument('--repeats', type=_positive_int, default=3,
                        help='timed runs per case (after one warm-up)')
    parser.add_argument('--arch', default='vit_small_patch32_224', help='timm encoder arch')
    parser.add_argument('--img-size', type=_positive_int, default=224, help='encoder input side')
    parser.add_argument('--enc-views', type=_positive_int, default=5, help='encoder input V')
    parser.add_argument('--enc-frames', type=_positive_int, default=2,
                        help='encoder input T (70 in training; small for CPU)')
    parser.add_argument('--chunk-sizes', type=_chunk_sizes, default=['2', '5', 'all'],
                        help="comma-separated encoder chunk sizes, 'all' = one call")
    parser.add_argument('--vc-shape', type=_vc_shape, default=[12, 5, 70, 16],
                        help='B,V,T,C of the view-consistency benchmark')
    parser.add_argument('--json', help='also write the numbers to this JSON file')
    parser.add_argument('--encoder-child', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.duration * GRID_FPS < 1:
        parser.error(f'--duration must cover one {GRID_FPS}-FPS frame, got {args.duration}')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.encoder_child:
        print(json.dumps(encoder_child(json.loads(args.encoder_child))))
        return 0
    t0 = time.perf_counter()
    results = run_all(args)
    results['wall_s'] = time.perf_counter() - t0
    print(format_report(results))
    print(f"\nTotal wall time {results['wall_s']:.1f} s.")
    if args.json:
        os.makedirs(osp.dirname(osp.abspath(args.json)), exist_ok=True)
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
