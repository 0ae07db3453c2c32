"""Human masks: per-view mean person confidence at 2.5 FPS with a local YOLOv10 checkpoint.

    python tools/extract_human_masks.py --data-root data/MultiSensor-Home/Home1 \
        --ann-file all_labels.json --weights checkpoints/yolov10b.pt \
        [--out human_masks.json] [--imgsz 640] [--conf 0.25] [--device cuda:0]

Like the data set configs (``ann_file``, ``human_mask_file``), ``--ann-file`` and ``--out`` are
relative to ``--data-root`` unless absolute; ``--out`` defaults to ``human_masks.json``, the file
the configs read. ``--device`` defaults to the first CUDA device when there is one (the
detector runs on every 2.5-FPS frame of every view), else the CPU. Writes ``{recording id:
(V, T_full) scores}``; recordings already in ``--out`` are skipped and the file is rewritten
atomically after each recording (a progress bar shows the rest), so the command can be re-run
to resume. ``--weights`` is a file path: nothing is downloaded.
"""
import argparse
import os.path as osp
import sys

import torch

from mmvicokd.detection import PersonScorer, extract_human_masks


def default_device() -> str:
    """``'cuda:0'`` when a CUDA device is present, else ``'cpu'``."""
    return 'cuda:0' if torch.cuda.is_available() else 'cpu'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Extract YOLOv10 human-mask scores')
    parser.add_argument('--data-root', required=True,
                        help='folder the video_url_n paths (and relative --ann-file / --out) '
                             'are relative to')
    parser.add_argument('--ann-file', required=True, action='append',
                        help='annotation file, relative to --data-root (repeat for several)')
    parser.add_argument('--weights', required=True, help='local ultralytics checkpoint (.pt)')
    parser.add_argument('--out', default='human_masks.json',
                        help='output JSON, relative to --data-root (resumed if present; '
                             'default: human_masks.json)')
    parser.add_argument('--imgsz', type=int, default=640, help='inference size')
    parser.add_argument('--conf', type=float, default=0.25, help='lowest box confidence kept')
    parser.add_argument('--device', default=default_device(),
                        help="torch device (default: 'cuda:0' if CUDA is present, else 'cpu')")
    parser.add_argument('--batch-size', type=int, default=32, help='frames per forward pass')
    args = parser.parse_args(argv)
    if not osp.isdir(args.data_root):
        parser.error(f'--data-root {args.data_root!r} is not a folder')
    args.ann_file = [osp.join(args.data_root, path) for path in args.ann_file]
    missing = [path for path in args.ann_file if not osp.isfile(path)]
    if missing:
        parser.error(f'annotation file(s) {missing} not found (--ann-file is relative to '
                     f'--data-root {args.data_root!r}, e.g. --ann-file all_labels.json)')
    args.out = osp.join(args.data_root, args.out)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    scorer = PersonScorer(args.weights, imgsz=args.imgsz, conf=args.conf, device=args.device,
                          batch_size=args.batch_size)
    masks = extract_human_masks(args.ann_file, args.data_root, args.out, scorer)
    print(f'{len(masks)} recordings in {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
