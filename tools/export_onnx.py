"""Export a recognizer (a student, or a distiller's student) to ONNX; check it with onnxruntime.

    python tools/export_onnx.py CONFIG CKPT --out student.onnx [--with-audio] \\
        [--clip-len T] [--threads 1] [--repeats 3] [--atol 1e-4] [--cfg-options k=v ...]

CONFIG is a student config with its checkpoint, or a distiller config with the distiller's
checkpoint (its student is exported). The ONNX input is ``video`` float32 (B, V, T, 3, H, W),
normalised as the data preprocessor does; the outputs are ``seq_scores`` (B, C) and
``frame_scores`` (B, T, C), the probabilities ``predict`` gives; B and T are dynamic. A teacher
config (it reads audio) is an error unless ``--with-audio``, which adds the input ``audio``
float32 (B, V, T, Fa, 128). After writing OUT (atomically) the tool runs torch and onnxruntime
on the same random clips (one clip of T frames, then 2 clips of T // 2 + 1 frames), prints the
largest difference of each output (an error above ``--atol``) and the CPU latency per clip.
"""
import argparse
import os.path as osp
import sys
import time

import torch
from mmengine.config import Config, DictAction

import mmvicokd  # noqa: F401  (registers the models)
from mmvicokd.deploy.onnx_export import (deployable_recognizer, example_inputs, export_onnx,
                                         onnx_parity, onnx_session, time_per_clip)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Export a recognizer to ONNX')
    parser.add_argument('config', help='student or distiller config')
    parser.add_argument('checkpoint', help='its checkpoint (a distiller checkpoint for a '
                        'distiller config)')
    parser.add_argument('--out', required=True, help='the .onnx file to write')
    parser.add_argument('--with-audio', action='store_true',
                        help='export a teacher with both inputs, video and audio')
    parser.add_argument('--clip-len', type=int, default=None,
                        help="frames T of the check clip (default: the test pipeline's)")
    parser.add_argument('--threads', type=int, default=1, help='CPU threads of both runtimes')
    parser.add_argument('--repeats', type=int, default=3, help='timed runs per runtime')
    parser.add_argument('--atol', type=float, default=1e-4,
                        help='largest allowed |torch - onnxruntime| of the probabilities')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value pairs')
    return parser.parse_args(argv)


def test_clip_len(cfg: Config) -> int:
    """``clip_len`` of the test pipeline's ``SampleMultiViewFrames`` (70 if there is none)."""
    for step in cfg.get('test_dataloader', {}).get('dataset', {}).get('pipeline', []):
        if step.get('type') == 'SampleMultiViewFrames':
            return int(step.get('clip_len', 70))
    return 70


def main(argv=None) -> dict:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    clip_len = args.clip_len or test_clip_len(cfg)
    recognizer = deployable_recognizer(cfg, args.checkpoint, args.with_audio)
    t0 = time.perf_counter()
    export_onnx(recognizer, args.out, clip_len, args.with_audio)
    export_s = time.perf_counter() - t0
    session = onnx_session(args.out, args.threads)
    clip = example_inputs(recognizer, 1, clip_len, args.with_audio, seed=1)
    other = example_inputs(recognizer, 2, clip_len // 2 + 1, args.with_audio, seed=2)
    report = dict(out=osp.abspath(args.out), export_s=export_s,
                  size_mib=osp.getsize(args.out) / 2 ** 20,
                  inputs={k: list(v.shape) for k, v in clip.items()},
                  diff=onnx_parity(recognizer, session, clip),
                  diff_other_shape=onnx_parity(recognizer, session, other),
                  latency_s=time_per_clip(recognizer, session, clip, args.repeats))
    print(f"wrote {report['out']} ({report['size_mib']:.1f} MiB) in {export_s:.1f} s; inputs "
          f"{report['inputs']} (B and T dynamic)")
    for name, diff in (('1 clip', report['diff']), ('2 shorter clips', report['diff_other_shape'])):
        print(f'max |torch - onnxruntime| on {name}: ' +
              ', '.join(f'{k} {v:.2e}' for k, v in diff.items()))
    lat = report['latency_s']
    print(f"CPU latency per clip ({args.threads} thread(s), median of {args.repeats}): torch "
          f"{1000 * lat['torch']:.1f} ms, onnxruntime {1000 * lat['onnxruntime']:.1f} ms")
    worst = max(list(report['diff'].values()) + list(report['diff_other_shape'].values()))
    if worst > args.atol:
        raise RuntimeError(f'{args.out}: onnxruntime differs from torch by {worst:.2e} > '
                           f'--atol {args.atol}')
    return report


if __name__ == '__main__':
    main()
    sys.exit(0)
