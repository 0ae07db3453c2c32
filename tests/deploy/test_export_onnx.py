"""tools/export_onnx.py: a distiller's student and a teacher (with --with-audio) to ONNX,
onnxruntime parity on other batch sizes and clip lengths, clear errors."""
import copy
import os.path as osp
import runpy

import onnx
import pytest
import torch
from mmengine.config import Config

from mmaction.registry import MODELS
from mmvicokd.deploy.onnx_export import deployable_recognizer, example_inputs, onnx_session

from ..apis.test_feature_extraction import STUDENT, TEACHER

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PIPELINE = [dict(type='SampleMultiViewFrames', clip_len=8, test_mode=True)]


# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def tool():
    return runpy.run_path(osp.join(REPO, 'tools', 'export_onnx.py'), run_name='test')['main']


def write_config(tmp_path, name, model):
    cfg = Config(dict(default_scope='mmaction', model=model,
                      test_dataloader=dict(dataset=dict(pipeline=PIPELINE))))
    path = str(tmp_path / f'{name}.py')
    cfg.dump(path)
    return path


def save(model, path):
    torch.save(dict(meta=dict(), state_dict=model.state_dict()), path)
    return str(path)


def unfrozen(model_cfg):
    cfg = copy.deepcopy(model_cfg)
    for key in ('visual_encoder', 'audio_encoder'):
        if cfg.get(key):
            cfg[key]['frozen'] = False
    return cfg


def test_distiller_student_exports_with_dynamic_batch_and_frames(tmp_path):
    distiller_cfg = dict(type='ViCoKDDistiller', student=unfrozen(STUDENT),
                         teacher=unfrozen(TEACHER), teacher_ckpt='unused.pth')
    torch.manual_seed(0)
    distiller = MODELS.build(distiller_cfg)
    ckpt = save(distiller, tmp_path / 'distiller.pth')
    config = write_config(tmp_path, 'distiller', distiller_cfg)
    out = str(tmp_path / 'deploy' / 'student.onnx')
    report = tool()([config, ckpt, '--out', out])

    graph = onnx.load(out).graph
    assert [i.name for i in graph.input] == ['video']
    assert [o.name for o in graph.output] == ['seq_scores', 'frame_scores']
    dims = [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    assert isinstance(dims[0], str) and isinstance(dims[2], str) and dims[1:2] + dims[3:] == [
        3, 3, 32, 32]
    assert report['inputs'] == dict(video=[1, 3, 8, 3, 32, 32])
    for diff in (report['diff'], report['diff_other_shape']):
        assert set(diff) == {'seq_scores', 'frame_scores'}
        assert max(diff.values()) <= 1e-4
    assert set(report['latency_s']) == {'torch', 'onnxruntime'}

    # onnxruntime gives the probabilities the distiller itself predicts, B = 3, T = 11
    inputs = example_inputs(distiller.student, 3, 11, with_audio=False, seed=5)
    distiller.eval()
    with torch.no_grad():
        expected = distiller.student.predict_scores(distiller.student.extract_feat(inputs))
    seq, frame = onnx_session(out).run(None, {'video': inputs['video'].numpy()})
    assert frame.shape == (3, 11, 16)
    torch.testing.assert_close(torch.from_numpy(seq), expected[0], atol=1e-4, rtol=0)
    torch.testing.assert_close(torch.from_numpy(frame), expected[1], atol=1e-4, rtol=0)


def test_teacher_needs_with_audio(tmp_path):
    torch.manual_seed(0)
    teacher = MODELS.build(TEACHER)
    ckpt = save(teacher, tmp_path / 'teacher.pth')
    config = write_config(tmp_path, 'teacher', TEACHER)
    with pytest.raises(ValueError, match='is a teacher: it reads audio.*--with-audio'):
        tool()([config, ckpt, '--out', str(tmp_path / 't.onnx')])
    report = tool()([config, ckpt, '--out', str(tmp_path / 't.onnx'), '--with-audio',
                     '--clip-len', '6'])
    assert report['inputs'] == dict(video=[1, 3, 6, 3, 32, 32], audio=[1, 3, 6, 16, 128])
    assert max(report['diff'].values()) <= 1e-4
    assert max(report['diff_other_shape'].values()) <= 1e-4


def test_load_errors(tmp_path):
    torch.manual_seed(0)
    student = MODELS.build(STUDENT)
    ckpt = save(student, tmp_path / 'student.pth')
    cfg = Config(dict(default_scope='mmaction', model=STUDENT))
    with pytest.raises(ValueError, match='visual-only recognizer: it has no audio input'):
        deployable_recognizer(cfg, ckpt, with_audio=True)
    other = Config(dict(default_scope='mmaction',
                        model=dict(STUDENT, fusion=dict(STUDENT['fusion'], num_classes=5))))
    with pytest.raises(RuntimeError, match='does not fit the .*shape mismatches'):
        deployable_recognizer(other, ckpt)
    with pytest.raises(FileNotFoundError, match='does not exist'):
        deployable_recognizer(cfg, str(tmp_path / 'missing.pth'))
