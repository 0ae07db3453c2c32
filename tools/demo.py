"""The main job on the embedded synthetic data set (``make demo``).

1. Generate the synthetic MultiSensor-Home set and its pre-decoded frame cache (both skipped when
   complete, resumed when interrupted).
2. Train and test, with MMEngine's Runner, the demo configs in ``configs/demo/``: the audio-visual
   teacher (AV_F), then the visual-only Student, LogitKD, CoKD and ViCoKD under frame-level (V_F)
   and sequence-level (V_S) supervision.
3. Print a Table-1-style markdown table (mAP %, difference from the Student in parentheses) and
   write it, with every number, to ``<work-dir>/results.md`` and ``results.json``.

Each run trains in ``work_dirs/<config name>/`` (the place ``tools/train.py`` uses, and where the
distillation configs look for the teacher's checkpoint). A re-run reuses finished runs (their
``test_metrics.json``), tests a finished checkpoint that has no metrics yet, and resumes a run
that was interrupted.
"""
import argparse
import json
import os
import os.path as osp
import resource
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_DIR = osp.join(REPO, 'configs', 'demo')

# (method, setting, config name) in training order: the teacher first.
RUNS = [
    ('Teacher', 'AV_F', 'teacher_{bb}_synthetic_av_f'),
    ('Student', 'V_F', 'student_{bb}_synthetic_v_f'),
    ('Student', 'V_S', 'student_{bb}_synthetic_v_s'),
    ('LogitKD', 'V_F', 'logitkd_{bb}_synthetic_v_f'),
    ('LogitKD', 'V_S', 'logitkd_{bb}_synthetic_v_s'),
    ('CoKD', 'V_F', 'cokd_{bb}_synthetic_v_f'),
    ('CoKD', 'V_S', 'cokd_{bb}_synthetic_v_s'),
    ('ViCoKD', 'V_F', 'vicokd_{bb}_synthetic_v_f'),
    ('ViCoKD', 'V_S', 'vicokd_{bb}_synthetic_v_s'),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='ViCoKD demo on the synthetic set')
    parser.add_argument('--work-dir', default='work_dirs/demo',
                        help='where the results table goes')
    parser.add_argument('--preset', default='demo', help='synthetic set size preset')
    parser.add_argument('--backbone', default='multiasl', help='demo backbone config family')
    parser.add_argument('--cfg-options', nargs='+', default=None,
                        help='key=value overrides applied to every run (e.g. '
                        'train_cfg.max_epochs=2)')
    return parser.parse_args(argv)


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished children (data workers)."""
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kib, child_kib) / 1024


def load_cfg(name: str, cfg_options):
    from mmengine.config import Config, DictAction
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name + '.py'))
    if cfg_options:
        parser = argparse.ArgumentParser()
        parser.add_argument('--o', nargs='+', action=DictAction)
        cfg.merge_from_dict(parser.parse_args(['--o', *cfg_options]).o)
    cfg.work_dir = osp.join('work_dirs', name)
    return cfg


def describe_packed_sample(cfg) -> str:
    """Shapes of the first packed test sample of ``cfg`` (what the models read)."""
    from mmaction.registry import DATASETS
    from mmengine.registry import DefaultScope

    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
    packed = dataset[0]
    sample = packed['data_samples']
    parts = [f'{key} {tuple(value.shape)}' for key, value in packed['inputs'].items()]
    parts += [f'{key} {tuple(sample.get(key).shape)}'
              for key in ('gt_label', 'frame_label', 'human_mask') if key in sample]
    return f'recording {sample.metainfo["recording_id"]!r}: ' + ', '.join(parts)


def run_one(name: str, cfg_options) -> dict:
    """Train (or resume) and test one demo config; returns its test metrics."""
    from mmengine.runner import Runner

    cfg = load_cfg(name, cfg_options)
    metrics_file = osp.join(cfg.work_dir, 'test_metrics.json')
    if osp.isfile(metrics_file):
        with open(metrics_file) as f:
            print(f'[demo] {name}: finished before, reusing {metrics_file}')
            return json.load(f)
    final_ckpt = osp.join(cfg.work_dir, f'epoch_{cfg.train_cfg.max_epochs}.pth')
    if osp.isfile(final_ckpt):
        print(f'[demo] {name}: testing the finished checkpoint {final_ckpt}')
        cfg.load_from = final_ckpt
        runner = Runner.from_cfg(cfg)
    else:
        cfg.resume = osp.isfile(osp.join(cfg.work_dir, 'last_checkpoint'))
        print(f'[demo] {name}: training' + (' (resuming)' if cfg.resume else ''))
        runner = Runner.from_cfg(cfg)
        runner.train()
    metrics = {k: float(v) for k, v in runner.test().items()}
    tmp = metrics_file + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(metrics, f, indent=1)
    os.replace(tmp, metrics_file)
    return metrics


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    os.chdir(REPO)
    from mmvicokd.datasets.frame_cache import build_frame_cache
    from mmvicokd.datasets.synthetic import generate_synthetic_dataset
    from mmvicokd.evaluation.report import kd_table

    # The demo configs name the data root (<dir>/Home1) and the cache folder.
    data = load_cfg(RUNS[0][2].format(bb=args.backbone), args.cfg_options)
    summary = generate_synthetic_dataset(osp.dirname(data.data_root), preset=args.preset)
    print(f'[demo] synthetic set: {summary["num_recordings"]} recordings '
          f'(train {summary["num_train"]}, test {summary["num_test"]}) in {summary["data_root"]}')
    build_frame_cache(summary['data_root'], ['train.json', 'test.json'],
                      data.frame_cache_dir, resize=data.img_size)
    print(f'[demo] packed sample: {describe_packed_sample(data)}')

    results, timings = [], {}
    for method, setting, pattern in RUNS:
        name = pattern.format(bb=args.backbone)
        t0 = time.time()
        metrics = run_one(name, args.cfg_options)
        timings[name] = round(time.time() - t0, 1)
        results.append(dict(method=method, setting=setting, config=f'configs/demo/{name}.py',
                            metrics=metrics))

    elapsed = time.time() - start
    tables = {metric: kd_table(results, metric=metric) for metric in ('seq_mAP', 'frame_mAP')}
    report = (f'# ViCoKD demo: {args.backbone} on the synthetic MultiSensor-Home set\n\n'
              f'Sequence-level mAP (%, the paper\'s metric), difference from the Student in '
              f'parentheses:\n\n{tables["seq_mAP"]}\n\n'
              f'Frame-level mAP (%):\n\n{tables["frame_mAP"]}\n\n'
              f'Wall time {elapsed / 60:.1f} min, peak memory {peak_rss_mib():.0f} MiB.\n')
    os.makedirs(args.work_dir, exist_ok=True)
    for fname, text in (('results.md', report), ('results.json', json.dumps(
            dict(results=results, seconds_per_run=timings, wall_seconds=round(elapsed, 1),
                 peak_rss_mib=round(peak_rss_mib())), indent=1))):
        path = osp.join(args.work_dir, fname)
        with open(path + '.tmp', 'w') as f:
            f.write(text)
        os.replace(path + '.tmp', path)
    print('\n' + report)
    print(f'[demo] written to {osp.join(args.work_dir, "results.md")}')


if __name__ == '__main__':
    main()
