"""Human masks: per-view mean person confidence at 2.5 FPS with a local YOLOv10 checkpoint.

    python tools/extract_human_masks.py --data-root data/Home1 \
        --ann-file data/Home1/all_labels.json --weights checkpoints/yolov10b.pt \
        --out data/Home1/human_masks.json [--imgsz 640] [--conf 0.25] [--device cpu]

Writes ``{recording id: (V, T_full) scores}``; recordings already in ``--out`` are skipped and
the file is rewritten atomically after each recording, so the command can be re-run to resume.
``--weights`` is a file path: nothing is downloaded.
"""
import argparse
import sys

from mmvicokd.detection import PersonScorer, extract_human_masks


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Extract YOLOv10 human-mask scores')
    parser.add_argument('--data-root', required=True,
                        help='folder the video_url_n paths are relative to')
    parser.add_argument('--ann-file', required=True, action='append',
                        help='annotation file (repeat for several)')
    parser.add_argument('--weights', required=True, help='local ultralytics checkpoint (.pt)')
    parser.add_argument('--out', required=True, help='output JSON (resumed if present)')
    parser.add_argument('--imgsz', type=int, default=640, help='inference size')
    parser.add_argument('--conf', type=float, default=0.25, help='lowest box confidence kept')
    parser.add_argument('--device', default='cpu', help="torch device, e.g. 'cuda:0'")
    parser.add_argument('--batch-size', type=int, default=32, help='frames per forward pass')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    scorer = PersonScorer(args.weights, imgsz=args.imgsz, conf=args.conf, device=args.device,
                          batch_size=args.batch_size)
    masks = extract_human_masks(args.ann_file, args.data_root, args.out, scorer)
    print(f'{len(masks)} recordings in {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
