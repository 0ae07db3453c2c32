"""Pre-decode every recording once: frames on the 2.5-FPS grid and whole-track fbanks.

    python tools/cache_frames.py --data-root data/synthetic/Home1 \\
        --ann-file train.json test.json --out data/synthetic/cache_64 --resize 64

Then replace ``MultiViewDecordInit`` by ``LoadMultiViewCache(cache_dir=OUT)`` in the pipelines
(see configs/_base_/datasets/synthetic.py). Running it again skips up-to-date recordings and
rebuilds stale ones (a view file changed, other settings).

``--format`` picks how frames are stored (mmvicokd/datasets/caches/frame_formats.py): ``raw``
(bitwise, largest), ``deflate`` (bitwise, small only for flat synthetic frames) or ``jpeg``
(lossy, ~9 % of the raw frames at quality 90: the one that fits a real data set);
``--fbank-dtype float16`` halves the fbanks, which are then most of a JPEG cache. The loader
reads any of them without a config change. ``tools/benchmark.py`` section 6b measures them.
"""
import argparse
import sys

from mmvicokd.datasets.caches.frame_cache import build_frame_cache
from mmvicokd.datasets.caches.frame_formats import (DEFAULT_JPEG_QUALITY, FBANK_DTYPES,
                                                   FRAME_FORMATS)
from mmvicokd.datasets.caches.cache_summary import print_cache_summary


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Pre-decode MultiSensor-Home recordings')
    parser.add_argument('--data-root', required=True, help="the dataset's data_root")
    parser.add_argument('--ann-file', required=True, nargs='+',
                        help='annotation file(s), relative to --data-root unless absolute')
    parser.add_argument('--out', required=True, help='cache folder (LoadMultiViewCache cache_dir)')
    parser.add_argument('--resize', type=int, default=224,
                        help='frame side, as DecodeMultiViewVideo(resize) (default 224)')
    parser.add_argument('--fps', type=float, default=2.5,
                        help="grid frame rate, as the dataset's fps (default 2.5)")
    parser.add_argument('--views', type=int, nargs='+', default=None,
                        help='1-based views to cache (default: all views of the entries)')
    parser.add_argument('--num-mel-bins', type=int, default=128,
                        help='as LoadAudioFbank(num_mel_bins) (default 128)')
    parser.add_argument('--sample-rate', type=int, default=16000,
                        help='as LoadAudioFbank(sample_rate) (default 16000)')
    parser.add_argument('--workers', type=int, default=None,
                        help='recordings decoded in parallel (default: one per CPU core)')
    parser.add_argument('--format', dest='frame_format', choices=FRAME_FORMATS, default='raw',
                        help='how frames are stored: raw (bitwise), deflate (bitwise, zipped) '
                             'or jpeg (lossy, ~9%% of raw frames) (default raw)')
    parser.add_argument('--jpeg-quality', type=int, default=None,
                        help=f'JPEG quality 1..100 of --format jpeg (default '
                             f'{DEFAULT_JPEG_QUALITY})')
    parser.add_argument('--fbank-dtype', choices=FBANK_DTYPES, default='float32',
                        help='fbank storage: float32 (bitwise) or float16 (half the bytes, '
                             'within 2**-11 relative) (default float32)')
    args = parser.parse_args(argv)
    if args.jpeg_quality is not None and args.frame_format != 'jpeg':
        parser.error('--jpeg-quality needs --format jpeg')
    if args.jpeg_quality is not None and not 1 <= args.jpeg_quality <= 100:
        parser.error(f'--jpeg-quality must be in 1..100, got {args.jpeg_quality}')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    s = build_frame_cache(args.data_root, args.ann_file, args.out, resize=args.resize,
                          fps=args.fps, views=args.views, num_mel_bins=args.num_mel_bins,
                          sample_rate=args.sample_rate, workers=args.workers,
                          frame_format=args.frame_format, jpeg_quality=args.jpeg_quality,
                          fbank_dtype=args.fbank_dtype)
    storage = args.frame_format + (f' (quality {s["jpeg_quality"]})'
                                   if args.frame_format == 'jpeg' else '')
    print_cache_summary(s, built='built', time_label='build time',
                        extra=[('frame format', storage), ('fbank dtype', args.fbank_dtype)])
    return 0


if __name__ == '__main__':
    sys.exit(main())
