"""Generate the synthetic MultiSensor-Home set (Home-1 layout, 5 views with sound).

    python tools/make_synthetic_dataset.py --out data/synthetic [--preset default] [--seed 0] [--workers N]

The data root is ``OUT/Home1`` (annotation files, human masks and the mp4 folders). Running it
again resumes an interrupted run, or returns at once when the set is complete.
"""
import argparse
import sys

from mmvicokd.datasets.synthetic.classes import CLASSES
from mmvicokd.datasets.synthetic.generator import PRESETS, generate_synthetic_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Generate the synthetic MultiSensor-Home set')
    parser.add_argument('--out', required=True, help='output folder (data root: OUT/Home1)')
    parser.add_argument('--preset', default='default', choices=sorted(PRESETS),
                        help='size: tiny (tests), demo (make demo) or default')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument('--workers', type=int, default=None,
                        help='parallel rendering processes (default: one per CPU core)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    s = generate_synthetic_dataset(args.out, preset=args.preset, seed=args.seed,
                                   workers=args.workers)
    print(f'data root     {s["data_root"]}')
    print(f'recordings    {s["num_recordings"]} (train {s["num_train"]}, test {s["num_test"]}),'
          f' {s["num_views"]} views, {s["total_seconds"]} s in all')
    print(f'video         {s["width"]}x{s["height"]} at {s["video_fps"]} fps, audio '
          f'{s["sample_rate"]} Hz mono')
    print(f'disk size     {s["disk_bytes"] / 2 ** 20:.1f} MiB')
    print('recordings per class:')
    width = max(len(c) for c in CLASSES)
    for name in CLASSES:
        print(f'  {name:<{width}}  {s["class_counts"][name]:>5}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
