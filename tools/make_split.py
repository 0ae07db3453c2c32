"""Split an official-format annotation file 7:3 by iterative stratification (paper §4.1).

    python tools/make_split.py --ann-file data/Home1/all_labels.json --out-dir data/Home1 \
        [--train-name train.json] [--test-name test.json] [--ratio 0.7] [--seed 0] \
        [--classes NAME ...]

Writes both files in the input's format (list or dict keyed by recording id), atomically, and
prints the per-class recording counts of each side. The label columns are MultiSensor-Home's
16 classes unless ``--classes`` names others (your own recordings: the ``classes`` of your
config). The defaults overwrite the data set's own ``train.json`` / ``test.json`` when
``--out-dir`` is their folder: name other files to keep them.
"""
import argparse
import os
import sys

from mmvicokd.datasets.split import format_count_table, load_annotation_file, split_annotations
from mmvicokd.datasets.synthetic.classes import CLASSES
from mmvicokd.utils.atomic_files import write_json


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Seeded 7:3 multi-label stratified split')
    parser.add_argument('--ann-file', required=True, help='annotation file with all recordings')
    parser.add_argument('--out-dir', required=True, help='folder for the split files')
    parser.add_argument('--train-name', default='train.json', help='train file name')
    parser.add_argument('--test-name', default='test.json', help='test file name')
    parser.add_argument('--ratio', type=float, default=0.7, help='train fraction')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument('--classes', nargs='+', default=list(CLASSES),
                        help="class names (default: MultiSensor-Home's 16)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    entries = load_annotation_file(args.ann_file)
    try:
        train, test = split_annotations(entries, args.classes, ratio=args.ratio,
                                        seed=args.seed)
    except ValueError as err:
        raise ValueError(f'{args.ann_file}: {err}') from err
    train_path = os.path.join(args.out_dir, args.train_name)
    test_path = os.path.join(args.out_dir, args.test_name)
    write_json(train_path, train)
    write_json(test_path, test)
    print(format_count_table(train, test, args.classes))
    print(f'wrote {train_path} ({len(train)}) and {test_path} ({len(test)})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
