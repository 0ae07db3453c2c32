"""Benchmarks behind the performance facts (docs/design.md): our code paths vs naive ones.

    python tools/benchmark.py [--duration 30] [--fps 15] [--width 320] [--height 240] \
        [--views 5] [--clip-len 70] [--audio-rate 48000] [--threads 1] [--repeats 3] \
        [--arch vit_small_patch32_224] [--img-size 224] [--enc-views 5] [--enc-frames 2] \
        [--chunk-sizes 2,5,all] [--vc-shape 12,5,70,16] [--step-shape 1,5,2] \
        [--feature-step-shape 12,5,70] [--memory-frames 2,4] [--model-depth N] \
        [--feature-depth 1] [--json results.json]
    python tools/benchmark.py --pretrained-step [--threads 2] [--model-depth N] [--clip-len T] \
        [--duration S] [--json F]

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
6. caches: one training sample through the decoding pipeline, the frame cache and the
   encoder-feature cache, built for the recording (speed-ups over decoding).
   6b. frame-cache formats (raw, deflate, JPEG, float16 fbanks): bytes per recording, one
   training sample from each, its error vs decoding, GB per hour of 5-view recording at 224 px
   and for the MultiSensor-Home data set.
7. memory: activation bytes a training forward of the Home-1 MultiASL student and teacher keeps
   for backward (saved-tensor hooks), per frame, float32 / with_cp / bf16 autocast / both, and
   the estimate for a 12 x 5 x 70 batch.
8. train steps: ViCoKD vs Student ``train_step`` on the same batch, on pixels (``--step-shape``)
   and on cached features (``--feature-step-shape``), and the view-consistency loss's share of
   the ViCoKD step.
9. ``--pretrained-step`` (instead of 1-8; minutes on a CPU): one ``train_step`` of the real-size
   Home-1 teacher and ViCoKD distiller whose encoders load weight files written in every layout
   users download (timm ``.safetensors``/``.pth``/augreg ``.npz``; AST hub folder, hub
   ``pytorch_model.bin``, original ``.pth``), on a decoded 5-view recording (``--duration`` s,
   clips of ``--clip-len`` frames; by default the configs' 70): load and step time, peak RSS,
   parameters, losses.

Each comparison runs in one process, interleaved, ``--repeats`` times after a warm-up round
(which also checks that the paths agree); medians and ratios to our path are printed as
markdown tables (``--json`` also writes them). Torch runs ``--threads`` intra-op threads, 1 by
default as in a data loader worker: on a shared machine, multi-threaded small ops mostly measure
how long the other threads wait to be scheduled. Each section lives in
``mmvicokd/experiments/speed/``; this file is the driver. The ratios the issue asks for close the report, each with its goal.
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
import tempfile
import time

import cv2
import decord
import torch

import mmvicokd  # noqa: F401  (registers our transforms and models)
from mmvicokd.experiments.speed.fbank_windows import bench_audio
from mmvicokd.experiments.speed.cache_formats import bench_cache_formats
from mmvicokd.experiments.speed.caches import bench_cache_samples
from mmvicokd.experiments.speed.encoder import bench_encoder
from mmvicokd.experiments.speed.memory import bench_memory
from mmvicokd.experiments.speed.pipeline import bench_pipeline
from mmvicokd.experiments.speed.pretrained_step import bench_pretrained_step
from mmvicokd.experiments.speed.recording import GRID_FPS, write_recording
from mmvicokd.experiments.speed.speed_tables import format_pretrained_step, format_report
from mmvicokd.experiments.speed.train_step import bench_train_steps
from mmvicokd.experiments.speed.video import bench_video
from mmvicokd.experiments.speed.view_consistency import bench_view_consistency


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
        results['caches'] = bench_cache_samples(rec, folder, args.clip_len, args.repeats,
                                                args.arch, args.img_size, args.feature_depth)
        results['cache_formats'] = bench_cache_formats(rec, args.duration, folder,
                                                       args.clip_len, args.repeats)
    results['encoder'] = bench_encoder(args.arch, args.img_size, args.enc_views,
                                       args.enc_frames, args.chunk_sizes, args.repeats,
                                       args.threads)
    results['view_consistency'] = bench_view_consistency(tuple(args.vc_shape), args.repeats)
    results['memory'] = bench_memory(args.arch, args.img_size, args.model_depth,
                                     tuple(args.memory_frames))
    results['train_steps'] = bench_train_steps(args.arch, args.img_size, args.model_depth,
                                               tuple(args.step_shape),
                                               tuple(args.feature_step_shape), args.repeats)
    results['environment']['loadavg_end'] = [round(v, 2) for v in os.getloadavg()]
    return results


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


def _shape(length: int):
    def parse(text: str) -> list:
        values = [int(v) for v in text.split(',')]
        if len(values) != length or min(values) < 1:
            raise argparse.ArgumentTypeError(f'expected {length} comma-separated integers >= 1, '
                                             f'got {text!r}')
        return values
    return parse


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
    parser.add_argument('--step-shape', type=_shape(3), default=[1, 5, 2],
                        help='B,V,T of the pixel train-step comparison (V = 5, the configs\'; small '
                             'for CPU)')
    parser.add_argument('--feature-step-shape', type=_shape(3), default=[12, 5, 70],
                        help='B,V,T of the cached-feature train steps (the paper batch)')
    parser.add_argument('--memory-frames', type=_shape(2), default=[2, 4],
                        help='T1,T2 of the kept-memory measurement (T1 < T2; 5 views)')
    parser.add_argument('--model-depth', type=_positive_int, default=None,
                        help='blocks of both encoders in the model benchmarks (default: the '
                             "configs'; small for a quick run)")
    parser.add_argument('--feature-depth', type=_positive_int, default=1,
                        help='encoder blocks that build the benchmark feature cache (its read '
                             'cost does not depend on it)')
    parser.add_argument('--pretrained-step', action='store_true',
                        help='run only section 9 (real-size train step from weight files)')
    parser.add_argument('--json', help='also write the numbers to this JSON file')
    args = parser.parse_args(argv)
    if args.duration * GRID_FPS < 1:
        parser.error(f'--duration must cover one {GRID_FPS}-FPS frame, got {args.duration}')
    if args.memory_frames[0] >= args.memory_frames[1]:
        parser.error(f'--memory-frames needs T1 < T2, got {args.memory_frames}')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    if args.pretrained_step:
        torch.set_num_threads(args.threads)
        results = dict(args=vars(args), environment=_environment())
        with tempfile.TemporaryDirectory(prefix='mmvicokd-pretrained-step-') as folder:
            results['pretrained_step'] = bench_pretrained_step(
                folder, args.threads, args.model_depth, args.clip_len, args.duration)
        report = format_pretrained_step(results)
    else:
        results = run_all(args)
        report = format_report(results)
    results['wall_s'] = time.perf_counter() - t0
    print(report)
    print(f"\nTotal wall time {results['wall_s']:.1f} s.")
    if args.json:
        os.makedirs(osp.dirname(osp.abspath(args.json)), exist_ok=True)
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
