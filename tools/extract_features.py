"""Run a config's frozen encoders once over every recording and cache their features.

    python tools/extract_features.py CONFIG --out DIR [--dtype float16|float32] \\
        [--device cpu|cuda] [--chunk-frames 64] [--overwrite] [--data-root DIR]
        [--cfg-options k=v ...]

CONFIG is a recognizer or distiller config whose encoders are frozen (configs/features/; a
teacher config gives visual and audio features, which students and distillers read too). Every
recording of its train/val/test annotation files is decoded once on the 2.5-FPS grid, normalised
by the model's data preprocessor and encoded; DIR gets ``manifest.json`` (encoders, weights
fingerprints, settings) and one ``{recording_id}.npz`` per recording, each written atomically.
Running it again skips up-to-date recordings; a DIR built for other encoders is an error unless
``--overwrite``. Point ``MultiViewFeatureInit(cache_dir=DIR)`` at it (``feature_dir`` in
configs/_base_/datasets/multisensor_home1_features.py).
"""
import argparse
import sys

from mmengine.config import Config, DictAction

import mmvicokd  # noqa: F401  (registers the models)
from mmvicokd.datasets.caches.feature_cache import DTYPES
from mmvicokd.apis.feature_extraction import build_feature_cache
from mmvicokd.datasets.caches.cache_summary import print_cache_summary
from mmvicokd.utils.data_root import set_data_root


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Cache the features of frozen encoders')
    parser.add_argument('config', help='config whose encoders are frozen')
    parser.add_argument('--out', required=True,
                        help='cache folder (MultiViewFeatureInit cache_dir)')
    parser.add_argument('--dtype', choices=DTYPES, default='float16',
                        help='storage dtype (default float16)')
    parser.add_argument('--device', default='cpu', help="where the encoders run, e.g. 'cuda'")
    parser.add_argument('--chunk-frames', type=int, default=64,
                        help='grid frames per view decoded and encoded at a time (default 64)')
    parser.add_argument('--overwrite', action='store_true',
                        help='rebuild a DIR that holds features of other encoders or settings')
    parser.add_argument('--data-root', help='the data set root (as tools/train.py --data-root)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value pairs')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.data_root is not None:
        set_data_root(cfg, args.data_root)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    s = build_feature_cache(cfg, args.out, dtype=args.dtype, device=args.device,
                            chunk_frames=args.chunk_frames, overwrite=args.overwrite,
                            config_name=args.config)
    encoders = ', '.join(f"{name} D={e['out_dim']}"
                         for name, e in s['manifest']['encoders'].items())
    print_cache_summary(s, built='extracted', time_label='time',
                        extra=[('features', f"{encoders} ({s['manifest']['dtype']})")])
    return 0


if __name__ == '__main__':
    sys.exit(main())
