"""Cut the student out of a ViCoKDDistiller checkpoint.

    python tools/extract_student.py CKPT OUT

OUT holds ``meta`` and the student's ``state_dict`` with the ``student.`` prefix stripped, so
``tools/test.py`` loads it with the student's own config (a plain ``MultiViewAVRecognizer``).
The teacher, optimizer and scheduler states are dropped. OUT is written atomically.
"""
import argparse

from mmvicokd.models.distillers.checkpoint import extract_student


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write the student weights of a ViCoKDDistiller checkpoint')
    parser.add_argument('checkpoint', help='distiller checkpoint (student.* and teacher.* keys)')
    parser.add_argument('out', help='output checkpoint of the student recognizer')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    out = extract_student(args.checkpoint, args.out)
    print(f'wrote {len(out["state_dict"])} student tensors to {args.out}')


if __name__ == '__main__':
    main()
