"""Command-line flags shared by ``tools/train.py`` and ``tools/test.py`` (mmaction2's habits)."""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.logging import print_log

from .cpu_dist import needs_cpu_dist, setup_cpu_dist
from .data_root import set_data_root
from .frame_cache_switch import use_frame_cache
from .paper_literal import apply_paper_literal


def add_common_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``--work-dir``, ``--data-root``, ``--frame-cache``, ``--paper-literal``,
    ``--cfg-options``, ``--launcher`` and ``--local-rank``."""
    parser.add_argument('--work-dir', help='the dir to save logs, models and results')
    parser.add_argument(
        '--data-root', help='the data set root: every path the config derives from its '
        'data_root (datasets, human masks, caches under the root) moves to it')
    parser.add_argument(
        '--frame-cache', help='read the recordings from this frame cache (tools/cache_frames.py '
        '--out) instead of decoding them')
    parser.add_argument(
        '--paper-literal', action='store_true',
        help="the paper's literal reading of every switchable departure "
        '(configs/_base_/paper_literal.py; docs/design.md, "Paper → this repo")')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value pairs (e.g. model.teacher_ckpt=x.pth)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser


def parse_common(parser: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
    """Parse, and export ``LOCAL_RANK`` for launchers that pass ``--local-rank`` instead."""
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def tool_config(args: argparse.Namespace) -> Config:
    """``args.config`` with ``--data-root``, ``--frame-cache``, ``--paper-literal``,
    ``--cfg-options``, the launcher (gloo on CPU) and the work dir (``--cfg-options`` win over
    the other flags for the keys they name).

    The work dir defaults to ``./work_dirs/<config name>`` as in mmaction2.
    """
    cfg = Config.fromfile(args.config)
    if getattr(args, 'data_root', None) is not None:
        changed = set_data_root(cfg, args.data_root)
        print_log(f'--data-root {args.data_root}: {len(changed)} config paths moved '
                  f'({", ".join(changed[:6])}{" ..." if len(changed) > 6 else ""})',
                  logger='current')
    if getattr(args, 'frame_cache', None) is not None:
        use_frame_cache(cfg, args.frame_cache)
    if getattr(args, 'paper_literal', False):
        changes = apply_paper_literal(cfg)
        print_log(f'--paper-literal: {len(changes)} setting(s) changed' +
                  ''.join(f'\n  {change}' for change in changes), logger='current')
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if needs_cpu_dist(args.launcher):
        cfg = setup_cpu_dist(cfg)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    return cfg
