"""Parameters and FLOPs per clip (B = 1) of a config's recognizer(s), part by part.

    python tools/analysis_tools/get_flops.py CONFIG [--shape V T H W]

A teacher or student config prints one table (visual encoder, audio encoder or adapter,
cross-attention, fusion backbone, total); a distiller config prints its student and, apart,
its frozen teacher. The clip is the config's own test clip unless ``--shape`` gives V views of
T frames of H x W pixels (the model is then built for that size; the teacher's audio windows
keep the config's length). Counting: MMEngine's ``FlopAnalyzer``, one multiply-add = one FLOP
(``mmvicokd/utils/complexity.py``); no weight file is read.
"""
import argparse

from mmengine.config import Config

from mmvicokd.utils.complexity import complexity_table, recognizer_complexity
from mmvicokd.utils.complexity_config import (ClipShape, build_recognizer, clip_shape,
                                              recognizer_configs, resized)

ROLES = {
    'recognizer': '{kind}',
    'student': 'student of the distiller (the model that is deployed)',
    'teacher': 'teacher of the distiller (frozen; run during training only)',
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Print the parameters and FLOPs per clip of a config\'s recognizer(s)')
    parser.add_argument('config', help='teacher, student or distiller config file')
    parser.add_argument(
        '--shape', type=int, nargs=4, metavar=('V', 'T', 'H', 'W'),
        help='views, frames and frame size of the clip (default: the config\'s test clip)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    shape = clip_shape(cfg)
    if args.shape is not None:
        views, frames, height, width = args.shape
        shape = ClipShape(views, frames, (height, width), shape.fbank)
    for role, model_cfg in recognizer_configs(cfg.model):
        model = build_recognizer(resized(model_cfg, shape) if args.shape else model_cfg)
        inputs = shape.inputs(model)
        result = recognizer_complexity(model, inputs)
        kind = 'teacher (audio-visual)' if model.is_teacher else 'student (visual only)'
        print(f'\n{args.config}: {ROLES[role].format(kind=kind)}, '
              f'{type(model.fusion).__name__} fusion')
        print('inputs per clip: ' + ', '.join(f'{key} {tuple(value.shape)}'
                                              for key, value in inputs.items()))
        print(complexity_table(result))
        print('one multiply-add = one FLOP; not counted: ' + ', '.join(result.uncounted_ops))


if __name__ == '__main__':
    main()
