"""Distance of a trained student's features to its teacher's on the test split, per recording.

    python tools/analysis_tools/feature_gaps.py CONFIG CHECKPOINT [--teacher-config T]
        [--teacher-ckpt C] [--out FILE] [--data-root DIR] [--device cpu|cuda]

CONFIG and CHECKPOINT are a student's: a distiller (its ``teacher`` and ``teacher_ckpt`` are
the defaults of ``--teacher-config`` / ``--teacher-ckpt``) or a visual-only recognizer trained
alone (give the teacher to compare with). Batches come from the test dataloader of the config
that holds the teacher (the distiller's, else ``--teacher-config``'s), which loads the audio.
Writes, per test recording, FD's squared distance on ``attn`` and ``av`` and the cosine of the
adapter's pseudo-audio to the teacher's audio features, as ``[sum, count]`` over views and
frames (:mod:`mmvicokd.experiments.feature_gaps`), to ``--out`` (default
``<checkpoint dir>/test_feature_gaps.json``, where the study document reads it).
"""
import argparse
import os.path as osp


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Student-to-teacher feature distances on the '
                                     'test split, per recording')
    parser.add_argument('config', help='the student\'s config (a distiller or a recognizer)')
    parser.add_argument('checkpoint', help='the student\'s checkpoint')
    parser.add_argument('--teacher-config', help='teacher config (default: the distiller\'s)')
    parser.add_argument('--teacher-ckpt', help='teacher checkpoint (default: the distiller\'s '
                        'teacher_ckpt)')
    parser.add_argument('--out', help='output JSON (default: <checkpoint dir>/'
                        'test_feature_gaps.json)')
    parser.add_argument('--data-root', help='the data set root (as tools/train.py --data-root)')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmvicokd.apis.tool_errors import USER_ERRORS, error_line
    from mmvicokd.experiments.feature_gaps import (FEATURE_GAPS_FILE, run_feature_gaps,
                                                   write_feature_gaps)
    try:
        gaps = run_feature_gaps(args.config, args.checkpoint, args.teacher_config,
                                args.teacher_ckpt, args.data_root, args.device)
    except USER_ERRORS as err:
        raise SystemExit(error_line('feature_gaps.py', err)) from err
    out = args.out or osp.join(osp.dirname(osp.abspath(args.checkpoint)), FEATURE_GAPS_FILE)
    write_feature_gaps(gaps, out)
    print(f'\n[feature_gaps] {len(gaps)} recordings written to {out}')
    return out


if __name__ == '__main__':
    main()
