"""``--paper-literal``: every switch of configs/_base_/paper_literal.py is in the design page's
table and changes what the table says it changes; the override trains through tools/train.py."""
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmvicokd  # noqa: F401
from mmaction.registry import MODELS
from mmvicokd.utils.paper_literal import apply_paper_literal, load_switches
from ..helpers.e2e import REPO, dump_config, save_random_teacher, tiny_config

DEMO_VICOKD = 'configs/demo/vicokd_multiasl_synthetic_v_f.py'


def literal(rel: str):
    """``(config as written, config with --paper-literal, changes)``."""
    before = Config.fromfile(osp.join(REPO, rel))
    after = Config.fromfile(osp.join(REPO, rel))
    return before, after, apply_paper_literal(after)


def build(cfg: dict):
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(cfg)


def test_every_switch_is_in_the_design_table():
    with open(osp.join(REPO, 'docs', 'design.md')) as f:
        page = f.read()
    table = page[page.index('## Paper → this repo'):]
    for switch in load_switches():
        assert f'`{switch["key"]}`' in table, switch['key']


def test_fd_reduction_becomes_the_sum_over_channels():
    before, after, changes = literal(DEMO_VICOKD)
    assert "model.distill_losses.fd.reduction = 'sum'" in changes
    mean = build(before.model.distill_losses.fd)
    summed = build(after.model.distill_losses.fd)
    gen = torch.Generator().manual_seed(0)
    feats = {k: torch.randn(2, 5, 4, 48, generator=gen) for k in ('attn', 'av')}
    teacher = {k: torch.randn(2, 5, 4, 48, generator=gen) for k in ('attn', 'av')}
    torch.testing.assert_close(summed(feats, teacher), 48 * mean(feats, teacher))


def test_confidence_weight_gets_its_gradient():
    before, after, _ = literal(DEMO_VICOKD)
    detached = build(before.model.student.consistency_loss)
    literal_vc = build(after.model.student.consistency_loss)
    assert detached.detach_weight and not literal_vc.detach_weight
    gen = torch.Generator().manual_seed(1)
    logits = torch.randn(1, 3, 4, 6, generator=gen)
    mask = torch.ones(1, 3, 4)
    grads = []
    for loss in (detached, literal_vc):
        x = logits.clone().requires_grad_(True)
        loss(x, mask).backward()
        grads.append(x.grad)
    assert not torch.allclose(grads[0], grads[1])


def test_cosine_floor_becomes_zero():
    before, after, changes = literal('configs/vicokd/vicokd_multiasl_home1_v_f.py')
    assert before.param_scheduler[0].eta_min == 1e-5
    assert after.param_scheduler[0].eta_min == 0.0 and 'param_scheduler.0.eta_min = 0.0' in changes


def test_view_frame_loss_is_removed_from_student_and_teacher():
    _, after, changes = literal('configs/vfl/vicokd-vfl_multiasl_home1_v_f.py')
    assert after.model.student.view_frame_loss is None
    assert after.model.teacher.view_frame_loss is None  # the teacher's config file, inlined
    assert {'model.student.view_frame_loss = None',
            'model.teacher.view_frame_loss = None'} <= set(changes)


def test_demo_attention_window_and_score_become_the_papers():
    before, after, _ = literal(DEMO_VICOKD)
    assert before.model.student.cross_attn.time_window == 1
    assert before.model.student.fusion.seq_score == 'cas_max'
    for model in (after.model.student, after.model.teacher):
        assert model.cross_attn.time_window is None and model.fusion.seq_score == 'cas_top'
    attn = build(dict(after.model.student.cross_attn, dim=48))
    window = build(dict(before.model.student.cross_attn, dim=48))
    window.load_state_dict(attn.state_dict())
    gen = torch.Generator().manual_seed(2)
    visual = torch.randn(1, 2, 6, 48, generator=gen)
    audio = torch.randn(1, 2, 6, 48, generator=gen)
    late = audio.clone()
    late[:, :, -1] += 5.0  # the last time step's sound: outside frame 0's +-1 window
    assert torch.equal(window(visual, audio)[0][:, :, 0], window(visual, late)[0][:, :, 0])
    assert not torch.allclose(attn(visual, audio)[0][:, :, 0], attn(visual, late)[0][:, :, 0])


def test_configs_without_a_place_are_left_as_they_are():
    before, after, changes = literal('configs/logitkd/logitkd_multitsf_home1_v_s.py')
    assert changes == ['param_scheduler.0.eta_min = 0.0']
    assert 'fd' not in after.model.distill_losses
    assert after.model.student.fusion == before.model.student.fusion


def test_a_switch_file_needs_key_where_value(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text("paper_literal = [dict(key='model.x', value=1)]\n")
    with pytest.raises(ValueError, match=re.escape(str(bad)) + '.*key, where and value'):
        load_switches(str(bad))


@pytest.mark.slow
def test_literal_override_trains_through_train_py(tiny_synthetic, tmp_path):
    import runpy
    train = runpy.run_path(osp.join(REPO, 'tools', 'train.py'), run_name='mmvicokd_test')['main']
    root, cache = tiny_synthetic
    cfg = tiny_config(DEMO_VICOKD, root, str(tmp_path / 'run'), cache)
    cfg.model['teacher_ckpt'] = save_random_teacher(cfg, str(tmp_path / 'teacher.pth'))
    path = dump_config(cfg, str(tmp_path / 'vicokd.py'))
    runner = train([path, '--paper-literal'])
    assert runner.train_loop.iter >= 1
    model = runner.model
    assert model.distill_losses['fd'].reduction == 'sum'
    assert not model.student.consistency_loss.detach_weight
    assert model.student.cross_attn.time_window is None
    assert model.teacher.cross_attn.time_window is None
    assert runner.param_schedulers[0].eta_min == 0.0
