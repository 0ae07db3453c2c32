"""Tiny trained runs on the tiny synthetic set, built once per test session.

Shared by the report, attention and inference tool tests (each calls :func:`trained_runs` from
a fixture with the session's ``tiny_synthetic`` set of ``conftest.py``; the first call trains,
later ones reuse). The configs are the demo's own, shrunk by
:func:`tests.helpers.e2e.tiny_config` (tiny encoders, 8-frame clips, the frame cache):

- ``student``: ``configs/demo/student_multiasl_synthetic_v_f.py``, 2 epochs with validation
  after each, tested; its test metrics written to ``test_metrics.json`` as ``tools/demo.py``
  does;
- ``vicokd``: ``configs/demo/vicokd_multiasl_synthetic_v_f.py`` distilled from an untrained
  teacher, 2 epochs with validation after each, tested (MMEngine's test log only);
- ``teacher``: that untrained teacher's config and checkpoint (a recognizer with audio).

Each entry: ``config`` (dumped file), ``ckpt`` and, for trained runs, ``work_dir``.
"""
import json
import os
import os.path as osp
import runpy

from mmvicokd.datasets.functional import recording_id_from_url

from .e2e import REPO, dump_config, save_random_teacher, tiny_config

EPOCHS = 2
_BUILT = {}


def tool(name: str):
    """A tool's ``main`` (tools/ is not a package; run the file as users do)."""
    return runpy.run_path(osp.join(REPO, 'tools', name), run_name='mmvicokd_test')['main']


def _train_and_test(cfg, work_dir: str, write_metrics: bool) -> None:
    from mmengine.runner import Runner

    cfg.train_cfg['val_interval'] = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = {k: float(v) for k, v in runner.test().items()}
    if write_metrics:
        with open(osp.join(work_dir, 'test_metrics.json'), 'w') as f:
            json.dump(metrics, f)


def trained_runs(tiny_synthetic, tmp_path_factory) -> dict:
    """``dict(data_root, cache_dir, test_ids, student, vicokd, teacher)`` (module docstring).

    ``tiny_synthetic``: ``(data_root, cache_dir)`` of the session's tiny synthetic set.
    """
    if _BUILT:
        return _BUILT
    base = str(tmp_path_factory.mktemp('trained_runs'))
    root, cache = tiny_synthetic
    runs = dict(data_root=root, cache_dir=cache)

    teacher_cfg = tiny_config('configs/demo/teacher_multiasl_synthetic_av_f.py', root,
                              osp.join(base, 'teacher'), cache, epochs=EPOCHS)
    vicokd_rel = 'configs/demo/vicokd_multiasl_synthetic_v_f.py'
    probe = tiny_config(vicokd_rel, root, osp.join(base, 'probe'), cache)
    os.makedirs(osp.join(base, 'teacher'), exist_ok=True)
    teacher_ckpt = save_random_teacher(probe, osp.join(base, 'teacher', 'random.pth'))
    runs['teacher'] = dict(config=dump_config(teacher_cfg, osp.join(base, 'teacher.py')),
                           ckpt=teacher_ckpt)

    for name, rel, kwargs, write_metrics in (
            ('student', 'configs/demo/student_multiasl_synthetic_v_f.py', {}, True),
            ('vicokd', vicokd_rel, dict(teacher_ckpt=teacher_ckpt), False)):
        work_dir = osp.join(base, name)
        cfg = tiny_config(rel, root, work_dir, cache, epochs=EPOCHS, **kwargs)
        config = dump_config(cfg, osp.join(base, name + '.py'))
        _train_and_test(cfg, work_dir, write_metrics)
        runs[name] = dict(config=config, ckpt=osp.join(work_dir, f'epoch_{EPOCHS}.pth'),
                          work_dir=work_dir)
    with open(osp.join(root, 'test.json')) as f:
        entries = json.load(f)
    runs['test_ids'] = [recording_id_from_url(e['video_url_1']) for e in entries]
    _BUILT.update(runs)
    return _BUILT
