"""Run configs of the demo: retiming a run (``--student-epochs``) and where its work dir goes."""
import os.path as osp

import pytest
from mmengine.config import Config

from mmvicokd.experiments.demo.runs import TEACHER, load_run_config, set_epochs


def test_set_epochs_retimes_loop_cosine_and_checkpoint():
    cfg = Config(dict(
        train_cfg=dict(max_epochs=10, val_interval=5),
        param_scheduler=[dict(type='LinearLR', begin=0, end=3),
                         dict(type='CosineAnnealingLR', T_max=7, begin=3, end=10)],
        default_hooks=dict(checkpoint=dict(interval=10))))
    set_epochs(cfg, 30)
    assert cfg.train_cfg.max_epochs == 30
    assert cfg.param_scheduler[0].end == 3  # the warm-up keeps its length
    assert (cfg.param_scheduler[1].end, cfg.param_scheduler[1].T_max) == (30, 27)
    assert cfg.default_hooks.checkpoint.interval == 30
    with pytest.raises(ValueError, match='at least 1'):
        set_epochs(cfg, 0)


def test_student_epochs_give_own_work_dir_and_keep_the_teacher():
    cfg = load_run_config('cokd_multiasl_synthetic_v_f', 1, 'multiasl', root='runs', epochs=30)
    assert cfg.work_dir == osp.join('runs', 'seed1',
                                    'cokd_multiasl_synthetic_v_f_30e')
    assert cfg.train_cfg.max_epochs == 30
    assert cfg.param_scheduler[-1].end == 30
    teacher = load_run_config(TEACHER.name('multiasl'), 1, 'multiasl', root='runs')
    # the distiller reads the teacher trained with the configs' own schedule
    assert cfg.model.teacher_ckpt == osp.join(
        teacher.work_dir, f'epoch_{teacher.train_cfg.max_epochs}.pth')
    plain = load_run_config('cokd_multiasl_synthetic_v_f', 1, 'multiasl', root='runs')
    assert plain.work_dir.endswith('cokd_multiasl_synthetic_v_f')
    assert plain.train_cfg.max_epochs == 10


def test_every_run_is_named_as_its_config_is_described():
    """One spelling of each method: the run list's equals run_info's description of the
    config (what tools/report.py and the study document show)."""
    from mmengine.config import Config

    from mmvicokd.experiments.demo.runs import STUDY_RUNS
    from mmvicokd.experiments.run_info import describe_run
    from mmvicokd.utils.package_configs import package_config
    for run in STUDY_RUNS:
        info = describe_run(Config.fromfile(package_config(f'demo/{run.name("multiasl")}.py')))
        assert (info.method, info.setting) == (run.method, run.setting), run.config


def test_study_runs_are_distinct_and_a_distiller_reads_its_own_teacher():
    """The study trains 29 runs a seed (tests/tools/test_demo.py trains a few of them): the
    demo's 9, Teacher+VFL and ViCoKD+VFL, ModalKD and DualKD under V_F and V_S, the teacher
    with VC, 5 ablations under V_F and V_S and 3 VC variants under V_S."""
    from mmvicokd.experiments.demo.runs import DEMO_RUNS, STUDY_RUNS, TEACHER_VFL, VICOKD_VFL
    assert len(STUDY_RUNS) == 9 + 2 + 4 + 1 + 10 + 3 == 29
    assert STUDY_RUNS[:len(DEMO_RUNS)] == DEMO_RUNS
    assert len({(r.method, r.setting) for r in STUDY_RUNS}) == 29
    assert len({r.config for r in STUDY_RUNS}) == 29
    assert VICOKD_VFL.teacher == TEACHER_VFL
    cfg = load_run_config(VICOKD_VFL.name('multiasl'), 1, 'multiasl', root='runs',
                          teacher=VICOKD_VFL.teacher)
    own = load_run_config(TEACHER_VFL.name('multiasl'), 1, 'multiasl', root='runs')
    assert cfg.model.teacher_ckpt == osp.join(
        own.work_dir, f'epoch_{own.train_cfg.max_epochs}.pth')
    assert own.work_dir == osp.join('runs', 'seed1', 'study', 'teacher-vfl_multiasl_synthetic_av_f')
