"""Run descriptions read from the project's real configs and from hand-made ones."""
import os.path as osp

import pytest
from mmengine.config import Config

from mmvicokd.experiments.run_info import (RunInfo, ablation_name, describe_run, distiller_method)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CASES = [
    ('teacher/teacher_multiasl_home1_av_f.py', 'Teacher', 'AV_F', 'MultiASL'),
    ('teacher_vc/teacher_vc_multitsf_home2_av_f.py', 'Teacher+VC', 'AV_F', 'MultiTSF'),
    ('student/student_multitrans_home1_v_s.py', 'Student', 'V_S', 'MultiTrans'),
    ('logitkd/logitkd_multitsf_home1_v_f.py', 'LogitKD', 'V_F', 'MultiTSF'),
    ('modalkd/modalkd_multitrans_home2_v_s.py', 'ModalKD', 'V_S', 'MultiTrans'),
    ('dualkd/dualkd_multiasl_home2_v_f.py', 'DualKD', 'V_F', 'MultiASL'),
    ('cokd/cokd_multitsf_home2_v_s.py', 'CoKD', 'V_S', 'MultiTSF'),
    ('vicokd_multiasl_home1.py', 'ViCoKD', 'V_F', 'MultiASL'),
    ('ablations/vicokd_noconfw_multiasl_home1_v_f.py', 'ViCoKD w/o ConfW', 'V_F', 'MultiASL'),
    ('ablations/vicokd_nomask_multiasl_home2_v_s.py', 'ViCoKD w/o Mask', 'V_S', 'MultiASL'),
    ('ablations/vicokd_kl_multiasl_home1_v_s.py', 'ViCoKD JS→KL', 'V_S', 'MultiASL'),
    ('ablations/vicokd_nofd_multiasl_home1_v_f.py', 'ViCoKD w/o FD', 'V_F', 'MultiASL'),
    ('ablations/vicokd_nold_multiasl_home2_v_f.py', 'ViCoKD w/o LD', 'V_F', 'MultiASL'),
    ('demo/vicokd_multiasl_synthetic_v_s.py', 'ViCoKD', 'V_S', 'MultiASL'),
    ('demo/study/vicokd_vc10_multiasl_synthetic_v_s.py', 'ViCoKD (VC×10)', 'V_S', 'MultiASL'),
    ('demo/study/vicokd_vc100_multiasl_synthetic_v_s.py', 'ViCoKD (VC×100)', 'V_S',
     'MultiASL'),
    ('demo/study/vicokd_wgrad_multiasl_synthetic_v_s.py', 'ViCoKD (w with grad)', 'V_S',
     'MultiASL'),
]


@pytest.mark.parametrize('rel,method,setting,backbone', CASES)
def test_describe_project_configs(rel, method, setting, backbone):
    info = describe_run(Config.fromfile(osp.join(REPO, 'configs', rel)), where=rel)
    assert (info.method, info.setting, info.backbone) == (method, setting, backbone)
    assert info.seed == 0
    home = 'synthetic' if rel.startswith('demo/') else (
        'Home2' if 'home2' in rel else 'Home1')
    assert info.data.endswith(home if home != 'synthetic' else 'synthetic/Home1')
    assert info.is_ablation == (method.startswith('ViCoKD ') and '(' not in method)


def recognizer(**kwargs):
    model = dict(type='MultiViewAVRecognizer', fusion=dict(type='MultiTSF'),
                 adapter=dict(type='CrossModalAdapter'), supervision='sequence')
    model.update(kwargs)
    return model


def test_describe_plain_dicts_seed_and_data():
    cfg = dict(model=recognizer(consistency_loss=dict(type='ViewConsistencyLoss')),
               randomness=dict(seed=7),
               test_dataloader=dict(dataset=dict(data_root='data/x/Home2/')))
    assert describe_run(cfg) == RunInfo('Student+VC', 'V_S', 'MultiTSF', 'data/x/Home2', 7)
    no_seed = describe_run(dict(model=recognizer()))
    assert no_seed.seed is None and no_seed.data == ''


def test_distiller_methods_outside_the_paper_are_named_by_their_parts():
    ld, fd = 'ld', 'fd(attn,av)'
    assert distiller_method(frozenset(), None) == 'Student'
    assert distiller_method(frozenset(['fd(fusion)']), None) == 'KD[fd(fusion)]'
    assert distiller_method(frozenset([ld]), ['w/o Mask']) == 'KD[ld]+VC(w/o Mask)'
    assert distiller_method(frozenset([fd, ld]), ['w/o ConfW', 'w/o Mask']) == \
        'KD[fd(attn,av) + ld]+VC(w/o ConfW, w/o Mask)'
    assert distiller_method(frozenset(), []) == 'Student+VC'
    assert ablation_name('ViCoKD JS→KL') == 'JS→KL' and ablation_name('ViCoKD') is None


def test_describe_errors_name_the_config():
    with pytest.raises(ValueError, match='cfg.py: model type .*Recognizer2D'):
        describe_run(dict(model=dict(type='Recognizer2D')), where='cfg.py')
    with pytest.raises(ValueError, match='exactly one of audio_encoder'):
        describe_run(dict(model=recognizer(audio_encoder=dict(type='ASTEncoder'))))
    distiller = dict(type='ViCoKDDistiller', student=recognizer(),
                     distill_losses=dict(x=dict(type='MSELoss')))
    with pytest.raises(ValueError, match="distill loss 'x' has type 'MSELoss'"):
        describe_run(dict(model=distiller))
