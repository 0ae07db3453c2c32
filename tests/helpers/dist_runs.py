"""One tiny 2-process training through ``bash tools/dist_train.sh CFG 2``, built once per test
session and shared by the launcher tests (the other launches must train alike) and the
distributed train/test test (a 1-process run must train alike; dist_test.sh must test alike).

The config is the demo teacher shrunk by :func:`tests.helpers.e2e.tiny_config`: 4 epochs of the
tiny synthetic set, 1 recording a process a step (2 steps an epoch for the 4 training
recordings; a 1-process run can then see the same batches), no dropout (DDP draws its masks per
process), no validation (the weights are compared), tested on ``test3.json`` (3 recordings, so
the sampler pads one of 2 ranks).
"""
import os.path as osp

from .e2e import REPO, dump_config, tiny_config
from .launch import finish, free_port, start_script
from .trained_runs import tool

EPOCHS = 4
_BUILT = {}


def one_node_run(tiny_synthetic, tmp_path_factory) -> dict:
    """``dict(config, work_dir, ckpt, tmp, single)``: the dumped config, the run's work dir and
    last checkpoint, a folder for the callers' runs and tools/test.py's metrics of the
    checkpoint in this process."""
    if _BUILT:
        return _BUILT
    root, cache = tiny_synthetic
    tmp = tmp_path_factory.mktemp('dist_runs')
    work_dir = str(tmp / 'one_node')
    cfg = tiny_config('configs/demo/teacher_multiasl_synthetic_av_f.py', root, work_dir, cache,
                      epochs=EPOCHS, test_ann='test3.json')
    cfg.train_dataloader.batch_size = 1
    cfg.model.fusion.dropout = 0.0
    cfg.train_cfg['val_interval'] = EPOCHS + 1
    config = dump_config(cfg, str(tmp / 'cfg.py'))
    finish(start_script(REPO, 'dist_train.sh', [config, 2, '--work-dir', work_dir],
                        PORT=str(free_port())))
    ckpt = osp.join(work_dir, f'epoch_{EPOCHS}.pth')
    single = tool('test.py')([config, ckpt, '--work-dir', str(tmp / 'single_test')])
    _BUILT.update(config=config, work_dir=work_dir, ckpt=ckpt, tmp=tmp, single=single)
    return _BUILT
