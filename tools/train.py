"""Train a model from a config with MMEngine's Runner (mmaction2's command line).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--paper-literal]
                                 [--cfg-options k=v ...] [--launcher pytorch]
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

from mmvicokd.engine import ATOMIC_BACKEND, EpochSeedHook
from mmvicokd.utils import shutdown_dist
from mmvicokd.utils.tool_args import add_common_args, parse_common, tool_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a mmvicokd model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest one in the work dir '
        'when no path is given')
    parser.add_argument('--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the learning rate by the ratio of the actual to the base batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    return parse_common(add_common_args(parser), argv)


def merge_args(cfg: Config, args) -> Config:
    """Fold the training flags into the config, as mmaction2's train tool does."""
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.seed is not None:
        cfg.randomness = dict(seed=args.seed, deterministic=cfg.get('randomness', {}).get(
            'deterministic', False))
    return add_reliability_hooks(cfg)


def add_reliability_hooks(cfg: Config) -> Config:
    """Exact resume (``EpochSeedHook``) and atomic checkpoint files (``atomic_local``).

    The checkpoint hook keeps a ``backend_args`` the config sets itself.
    """
    hooks = list(cfg.get('custom_hooks', None) or [])
    if not any(h.get('type') in ('EpochSeedHook', EpochSeedHook) for h in hooks):
        cfg.custom_hooks = hooks + [dict(type='EpochSeedHook')]
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint', None)
    if checkpoint is not None and checkpoint.get('backend_args') is None \
            and checkpoint.get('file_client_args') is None \
            and '://' not in str(checkpoint.get('out_dir') or ''):
        checkpoint['backend_args'] = dict(backend=ATOMIC_BACKEND)
    return cfg


def report_total_batch(cfg: Config, world_size: int) -> str:
    """The line that says what batch the run really trains with.

    ``train_dataloader.batch_size`` is per process (per GPU); the paper's 12 is the total.
    """
    per_gpu = cfg.train_dataloader.batch_size
    total = per_gpu * world_size
    scale = cfg.get('auto_scale_lr', {})
    base = scale.get('base_batch_size')
    line = f'total batch {total} = {world_size} process(es) x batch_size {per_gpu}'
    if base is not None and total != base:
        line += (f'; the config\'s learning rate is set for a total batch of {base}' +
                 (', scaled by auto_scale_lr' if scale.get('enable') else
                  ': pass --auto-scale-lr to scale it' + _same_total_hint(base, world_size)))
    return line


def _same_total_hint(base: int, world_size: int) -> str:
    """How to train with the config's own total batch on ``world_size`` processes, if one can."""
    if base % world_size == 0:
        return f', or set batch_size to {base // world_size} (total {base})'
    return (f'; {base} / {world_size} processes is no whole batch_size, so keep a total that '
            'is a multiple of the process count and scale the learning rate')


def main(argv=None):
    args = parse_args(argv)
    cfg = merge_args(tool_config(args), args)
    runner = Runner.from_cfg(cfg)
    from mmengine.dist import get_world_size
    from mmengine.logging import print_log
    print_log(report_total_batch(cfg, get_world_size()), logger='current')
    runner.train()
    shutdown_dist()
    return runner


if __name__ == '__main__':
    main()
