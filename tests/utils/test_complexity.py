"""``tools/analysis_tools/get_flops.py`` and ``mmvicokd.utils.complexity`` on tiny configs."""
import os.path as osp
import re
import runpy

import pytest
import torch
from mmengine.config import Config
from torch import nn

from mmvicokd.utils.complexity import count_flops, recognizer_complexity
from mmvicokd.utils.complexity_config import (ClipShape, build_recognizer, clip_shape,
                                              recognizer_configs, resized)
from ..configs.zoo_complexity import decomposed_flops
from ..helpers.e2e import REPO, dump_config, tiny_config

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'get_flops.py')
CONFIGS = {'teacher': 'configs/teacher/teacher_multiasl_home1_av_f.py',
           'student': 'configs/student/student_multitsf_home1_v_f.py',
           'distiller': 'configs/cokd/cokd_multitrans_home1_v_s.py'}
TEACHER_PARTS = ['visual encoder', 'audio encoder', 'cross-attention', 'fusion backbone']
STUDENT_PARTS = ['visual encoder', 'adapter', 'cross-attention', 'fusion backbone']


@pytest.fixture(scope='module')
def tiny(tmp_path_factory, one_torch_thread):
    """Tiny versions (1-block encoders, 8 frames of 64 px) of a teacher, a student and a
    distiller config, by role."""
    out = tmp_path_factory.mktemp('get_flops')
    return {role: dump_config(tiny_config(rel, None, None, None), str(out / osp.basename(rel)))
            for role, rel in CONFIGS.items()}


def _measure(path: str, shape: ClipShape = None):
    """(complexity, inputs, model) of the first recognizer of a config, at its clip or
    ``shape``."""
    cfg = Config.fromfile(path)
    model_cfg = recognizer_configs(cfg.model)[0][1]
    model = build_recognizer(resized(model_cfg, shape) if shape else model_cfg)
    inputs = (shape or clip_shape(cfg)).inputs(model)
    return recognizer_complexity(model, inputs), inputs, model


def _tables(output: str) -> dict:
    """The tool's tables by heading: {heading: {part: (parameters M, GFLOPs)}}."""
    tables, heading = {}, None
    for line in output.splitlines():
        if line.endswith(' fusion'):  # CONFIG: role, X fusion
            heading = line.split(': ', 1)[1]
            tables[heading] = {}
        row = re.match(r'^\| ([a-z -]+) \| ([\d.]+) \| ([\d.]+) \|$', line)
        if row:
            tables[heading][row.group(1)] = (float(row.group(2)), float(row.group(3)))
    return tables


def test_attention_layers_are_counted_in_full():
    """A self-attention layer in eval mode: 4·L·D² (q, k, v and output projections) plus
    2·L²·D (q·kᵀ and the weights times v), so neither the fused fast path nor the fused
    attention operator hides anything."""
    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(16, 4, batch_first=True)

        def forward(self, x):
            return self.attn(x, x, x, need_weights=False)[0]

    length, dim = 6, 16
    flops, uncounted = count_flops(SelfAttention().eval(), (torch.zeros(1, length, dim),))
    assert flops[''] == 4 * length * dim ** 2 + 2 * length ** 2 * dim
    assert 'aten::scaled_dot_product_attention' not in uncounted
    layer = nn.TransformerEncoderLayer(16, 4, 32, batch_first=True).eval()
    ffn = 2 * length * dim * 32
    assert count_flops(layer, (torch.zeros(1, length, dim),))[0][''] >= \
        4 * length * dim ** 2 + 2 * length ** 2 * dim + ffn


@pytest.mark.parametrize('role, parts', [('teacher', TEACHER_PARTS), ('student', STUDENT_PARTS)])
def test_parts_are_positive_and_sum_to_at_most_the_total(tiny, role, parts):
    result, inputs, model = _measure(tiny[role])
    assert [p.name for p in result.parts] == parts  # a student has no audio encoder entry
    assert all(p.params > 0 and p.flops > 0 for p in result.parts)
    assert sum(p.params for p in result.parts) <= result.total.params
    assert sum(p.flops for p in result.parts) <= result.total.flops
    assert ('audio' in inputs) == (role == 'teacher')
    # the quick count the model zoo test uses is the same number
    assert decomposed_flops(model, inputs) == result.total.flops


def test_default_clip_is_the_configs_own(tiny):
    assert clip_shape(Config.fromfile(tiny['teacher'])) == ClipShape(5, 8, (64, 64), (40, 128))
    paper = Config.fromfile(osp.join(REPO, CONFIGS['teacher']))
    assert clip_shape(paper) == ClipShape(5, 70, (224, 224), (40, 128))


def test_tool_reports_a_distillers_student_and_teacher_apart(tiny, capsys):
    runpy.run_path(TOOL, run_name='get_flops')['main']([tiny['distiller']])
    tables = _tables(capsys.readouterr().out)
    student, teacher = tables.values()
    assert list(tables)[0].startswith('student of the distiller')
    assert list(tables)[1].startswith('teacher of the distiller (frozen')
    assert list(student) == STUDENT_PARTS + ['total']
    assert list(teacher) == TEACHER_PARTS + ['total']


def test_shape_overrides_the_clip(tiny, capsys):
    runpy.run_path(TOOL, run_name='get_flops')['main']([tiny['teacher'], '--shape', '3', '4',
                                                        '32', '48'])
    out = capsys.readouterr().out
    assert 'video (1, 3, 4, 3, 32, 48), audio (1, 3, 4, 40, 128)' in out
    small, _, _ = _measure(tiny['teacher'], ClipShape(3, 4, (32, 48), (40, 128)))
    default, _, _ = _measure(tiny['teacher'])
    assert 0 < small.total.flops < default.total.flops
    assert _tables(out)[next(iter(_tables(out)))]['total'][1] == \
        pytest.approx(small.total.flops / 1e9, abs=0.005)
