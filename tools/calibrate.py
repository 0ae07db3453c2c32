"""Calibrate a trained model's frame decisions on a held-out split.

    python tools/calibrate.py CONFIG CKPT [--ann-file FILE] [--data-root DIR] [--frame-cache DIR]
                              [--work-dir DIR] [--cfg-options k=v ...] [--launcher pytorch]

Runs the model (a distiller's: its student) on the calibration split with MMEngine's Runner
(the config's validation data loader and pipeline, a plain ``TestLoop``), keeps the predictions
in ``calibration_predictions.pkl`` beside CKPT, fits per class the frame threshold that
maximises F1 (:mod:`mmvicokd.evaluation.calibration` says which calibration and why) and stores
the thresholds with the run: ``thresholds.json`` beside CKPT and CKPT's ``meta``
(:mod:`mmvicokd.experiments.run_thresholds`). ``tools/infer.py`` then decides with them and
``tools/test.py`` reports frame F1 / precision / recall at them beside mAP.

The split is ``--ann-file`` (relative to the data root, as in the configs), else the config's
``val_dataloader``'s. The test split (the ``test_dataloader``'s annotation file) is refused:
thresholds fitted there would be judged on the frames they were fitted on. This repository's
configs validate on the test split (the paper's 7:3 split has no validation part), so pass
``--ann-file``: a validation file held out of training (``tools/make_split.py`` on the training
file, before training), else the training file itself; training recordings are in-sample (the
model has fitted them, so their positives score higher than new recordings'), which the console
and the stored record (``split.in_sample``) say.
"""
import argparse
import copy
import os.path as osp
import sys

PREDICTIONS = 'calibration_predictions.pkl'


def parse_args(argv=None):
    from mmvicokd.utils.tool_args import add_common_args, parse_common
    parser = argparse.ArgumentParser(description='Per-class F1-optimal frame thresholds')
    parser.add_argument('config', help='the model\'s config file')
    parser.add_argument('checkpoint', help='recognizer or distiller checkpoint; rewritten with '
                        'the thresholds in its meta')
    parser.add_argument('--ann-file', help='annotation file of the calibration split, relative '
                        'to the data root (default: the config\'s validation split)')
    return parse_common(add_common_args(parser), argv)


def _ann_path(dataset) -> str:
    return osp.normpath(osp.join(dataset.get('data_root') or '', dataset['ann_file']))


def calibration_config(cfg, ann_file, checkpoint: str, predictions: str) -> dict:
    """Point ``cfg``'s test run (in place) at the calibration split; returns the split's
    ``ann_file`` and whether it is the training split (``in_sample``).

    Raises:
        ValueError: the split is the config's test split.
    """
    loader = copy.deepcopy(cfg.val_dataloader)
    if ann_file is not None:
        loader.dataset.ann_file = ann_file
    split = _ann_path(loader.dataset)
    if split == _ann_path(cfg.test_dataloader.dataset):
        raise ValueError(
            f'the calibration split {split} is the test split of the config: thresholds fitted '
            'there would be judged on the frames they were fitted on. Pass --ann-file with a '
            'split held out of training (tools/make_split.py on the training file), else the '
            'training file (in-sample)')
    cfg.test_dataloader = loader
    cfg.test_evaluator = [dict(type='MultiLabelMAP'),
                          dict(type='AtomicDumpResults', out_file_path=predictions)]
    cfg.test_cfg = dict(type='TestLoop')  # a distiller's student only, not its teacher
    cfg.load_from = checkpoint
    return dict(ann_file=split, in_sample=split == _ann_path(cfg.train_dataloader.dataset))


def _table(classes, thresholds, counts) -> str:
    lines = [f'{"class":<16} {"threshold":>9} {"TP":>6} {"FP":>6} {"FN":>6}']
    for name, threshold, tp, fp, fn in zip(classes, thresholds, *counts):
        value = 'never' if threshold is None else f'{threshold:.4f}'
        lines.append(f'{name:<16} {value:>9} {tp:>6} {fp:>6} {fn:>6}')
    return '\n'.join(lines)


def calibrate(args) -> dict:
    """Run, fit and store (module docstring); returns ``dict(thresholds=<json path>,
    checkpoint, record)`` (empty on the other ranks of a distributed run)."""
    from mmengine.dist import is_main_process
    from mmengine.runner import Runner

    from mmvicokd.apis.recording_source import config_classes
    from mmvicokd.evaluation.calibration import (decision_counts, f1_optimal_thresholds,
                                                 f1_precision_recall)
    from mmvicokd.evaluation.threshold_record import thresholds_record
    from mmvicokd.experiments.predictions import load_predictions
    from mmvicokd.experiments.run_thresholds import save_thresholds
    from mmvicokd.utils.tool_args import tool_config

    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} does not exist')
    cfg = tool_config(args)
    predictions = osp.join(osp.dirname(osp.abspath(args.checkpoint)), PREDICTIONS)
    split = calibration_config(cfg, args.ann_file, args.checkpoint, predictions)
    if split['in_sample']:
        print(f'[calibrate] {split["ann_file"]} is the training split: its scores are '
              'in-sample, so the thresholds fit recordings the model has learnt')
    metrics = Runner.from_cfg(cfg).test()
    if not is_main_process():
        return {}
    found = load_predictions(predictions)
    scores, labels = found.frame_scores, found.frame_labels
    thresholds = f1_optimal_thresholds(scores, labels)
    decided = f1_precision_recall(scores, labels, thresholds)
    split_metrics = dict(frame_mAP=float(metrics['frame_mAP']),
                         **{f'frame_{k}': decided[k] * 100.0
                            for k in ('F1', 'precision', 'recall')})
    classes = config_classes(cfg)
    record = thresholds_record(thresholds, classes, args.checkpoint,
                               dict(split, recordings=len(found.ids), frames=len(scores)),
                               split_metrics)
    path = save_thresholds(record, args.checkpoint)
    print(_table(classes, record['thresholds'], decision_counts(scores, labels, thresholds)))
    print('[calibrate] on the calibration split: ' +
          ', '.join(f'{k} {v:.2f} %' for k, v in split_metrics.items()))
    print(f'[calibrate] wrote {path} and the thresholds into the meta of {args.checkpoint}')
    return dict(thresholds=path, checkpoint=args.checkpoint, record=record)


def main(argv=None):
    args = parse_args(argv)
    from mmvicokd.apis.tool_errors import run_tool
    from mmvicokd.utils import shutdown_dist

    result = run_tool('calibrate.py', calibrate, args)
    shutdown_dist()
    return result


if __name__ == '__main__':
    main(sys.argv[1:])
