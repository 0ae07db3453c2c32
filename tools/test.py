"""Test a checkpoint with MMEngine's Runner (mmaction2's command line).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--dump results.pkl] [--paper-literal]
                                           [--cfg-options k=v ...] [--launcher pytorch]

When the checkpoint holds calibrated frame thresholds (``tools/calibrate.py``), every
``MultiLabelMAP`` of the test evaluator that sets none gets them, so the metrics add
``frame_F1``, ``frame_precision`` and ``frame_recall`` at those thresholds.
"""
import argparse
import os.path as osp

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import Runner

from mmvicokd.utils import shutdown_dist
from mmvicokd.utils.tool_args import add_common_args, parse_common, tool_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a mmvicokd model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--dump', type=str, help='dump the predictions to this pickle file (.pkl)')
    return parse_common(add_common_args(parser), argv)


def merge_args(cfg: Config, args) -> Config:
    """Fold the test flags into the config: the checkpoint and ``--dump``."""
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must name a .pkl or .pickle file, got {args.dump}')
        evaluator = cfg.test_evaluator
        evaluator = list(evaluator) if isinstance(evaluator, (list, tuple)) else [evaluator]
        evaluator.append(dict(type='AtomicDumpResults', out_file_path=args.dump))
        cfg.test_evaluator = evaluator
    cfg.load_from = args.checkpoint
    return with_stored_thresholds(cfg, args.checkpoint)


def with_stored_thresholds(cfg: Config, checkpoint: str) -> Config:
    """Give the test ``MultiLabelMAP`` metrics the thresholds stored with ``checkpoint``."""
    from mmvicokd.apis.recording_source import config_classes
    from mmvicokd.evaluation.threshold_record import record_thresholds
    from mmvicokd.experiments.run_thresholds import stored_thresholds

    found = stored_thresholds(checkpoint) if osp.isfile(checkpoint) else None
    if found is None:
        return cfg
    record, where = found
    record_thresholds(record, config_classes(cfg), where)  # fitted for this model's classes
    evaluators = cfg.test_evaluator
    evaluators = list(evaluators) if isinstance(evaluators, (list, tuple)) else [evaluators]
    for evaluator in evaluators:
        if evaluator.get('type') == 'MultiLabelMAP' and evaluator.get('thresholds') is None:
            evaluator['thresholds'] = list(record['thresholds'])
    cfg.test_evaluator = evaluators
    print_log(f'frame thresholds from {where} (calibrated on {record["split"]["ann_file"]}): '
              'frame_F1, frame_precision and frame_recall are reported at them',
              logger='current')
    return cfg


def main(argv=None):
    args = parse_args(argv)
    cfg = merge_args(tool_config(args), args)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    shutdown_dist()
    return metrics


if __name__ == '__main__':
    main()
