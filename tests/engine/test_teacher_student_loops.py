"""TeacherStudentValLoop / TestLoop on a toy distiller: the teacher is evaluated once a run and
its metrics appear beside the student's under ``teacher/``."""
import glob
import json
import os.path as osp
import pickle
import uuid

import pytest
import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric, DumpResults
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset

import mmvicokd  # noqa: F401  (registers the loops)
from mmvicokd.engine import TeacherStudentTestLoop, TeacherStudentValLoop

SAMPLES, BATCH = 6, 2


class ToySet(Dataset):
    metainfo = dict(classes=('a',))

    def __len__(self):
        return SAMPLES

    def __getitem__(self, index):
        return dict(inputs=torch.full((2,), float(index)), data_samples=dict(index=index))


@METRICS.register_module(force=True)
class ToyMeanScore(BaseMetric):
    """``score``: the mean prediction over the split."""

    def process(self, data_batch, data_samples):
        self.results += [float(s['pred']) for s in data_samples]

    def compute_metrics(self, results):
        return dict(score=sum(results) / len(results))


class ToyDistiller(BaseModel):
    """A trainable student and a fixed teacher (prediction = 10 + mean input), with counts."""

    def __init__(self):
        super().__init__()
        self.student = nn.Linear(2, 1)
        self.teacher_calls = 0

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.student(torch.stack(inputs))[:, 0]
        if mode == 'loss':
            return dict(loss=out.pow(2).mean())
        return [dict(pred=float(p)) for p in out]

    def teacher_predict_step(self, data):
        self.teacher_calls += 1
        return [dict(pred=10.0 + float(x.mean())) for x in data['inputs']]


def loader():
    return dict(dataset=ToySet(), sampler=dict(type='DefaultSampler', shuffle=False),
                batch_size=BATCH, num_workers=0)


def make_runner(work_dir, model=None, test_evaluator=None, epochs=3):
    return Runner(
        model=model or ToyDistiller(), work_dir=str(work_dir), default_scope='mmaction',
        experiment_name=f'toy-{uuid.uuid4().hex}',
        train_dataloader=loader(), val_dataloader=loader(), test_dataloader=loader(),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=True, max_epochs=epochs, val_interval=1),
        val_cfg=dict(type='TeacherStudentValLoop'), test_cfg=dict(type='TeacherStudentTestLoop'),
        val_evaluator=[dict(type='ToyMeanScore')],
        test_evaluator=test_evaluator or [dict(type='ToyMeanScore')],
        default_hooks=dict(logger=dict(type='LoggerHook', interval=1),
                           checkpoint=dict(type='CheckpointHook', interval=100)),
        log_level='WARNING')


TEACHER_SCORE = 10.0 + (SAMPLES - 1) / 2  # mean over the split of 10 + index


def test_teacher_is_evaluated_once_however_many_validations(tmp_path):
    runner = make_runner(tmp_path)
    runner.train()
    model = runner.model
    assert isinstance(runner.val_loop, TeacherStudentValLoop)
    assert model.teacher_calls == SAMPLES // BATCH  # one pass, not three
    logged = []
    for path in glob.glob(osp.join(str(tmp_path), '*', 'vis_data', 'scalars.json')):
        with open(path) as f:
            logged += [json.loads(line) for line in f if 'teacher/score' in line]
    assert [r['step'] for r in logged] == [1, 2, 3]
    assert all(r['teacher/score'] == pytest.approx(TEACHER_SCORE) for r in logged)
    assert all('score' in r for r in logged)  # the student's own, unprefixed
    metrics = runner.val_loop.run()
    assert model.teacher_calls == SAMPLES // BATCH
    assert metrics['teacher/score'] == pytest.approx(TEACHER_SCORE)
    assert metrics['score'] != metrics['teacher/score']


def test_test_loop_reports_the_teacher_and_leaves_the_dump_to_the_student(tmp_path):
    dump = str(tmp_path / 'predictions.pkl')
    runner = make_runner(tmp_path / 'work', test_evaluator=[
        dict(type='ToyMeanScore'), dict(type='DumpResults', out_file_path=dump)])
    metrics = runner.test()
    assert isinstance(runner.test_loop, TeacherStudentTestLoop)
    assert runner.model.teacher_calls == SAMPLES // BATCH
    assert metrics['teacher/score'] == pytest.approx(TEACHER_SCORE)
    assert not any(isinstance(m, DumpResults) for m in runner.test_loop.teacher.evaluator.metrics)
    with open(dump, 'rb') as f:
        dumped = pickle.load(f)
    assert [d['pred'] for d in dumped] != [10.0 + i for i in range(SAMPLES)]  # the student's
    assert len(dumped) == SAMPLES


class PlainModel(ToyDistiller):
    teacher_predict_step = None


def test_a_model_without_teacher_is_refused(tmp_path):
    runner = make_runner(tmp_path, model=PlainModel())
    with pytest.raises(TypeError, match='needs a distiller'):
        runner.val_loop


def test_the_teacher_copy_reports_no_decisions_at_the_students_thresholds():
    """Calibrated thresholds (tools/calibrate.py) belong to the student's scores."""
    from mmengine.evaluator import Evaluator

    from mmvicokd.engine.loops.teacher_metrics import teacher_evaluator
    from mmvicokd.evaluation.metrics import MultiLabelMAP

    student = Evaluator([MultiLabelMAP(thresholds=[0.5]), ToyMeanScore()])
    teacher = teacher_evaluator(None, student)
    assert [m.thresholds for m in teacher.metrics if isinstance(m, MultiLabelMAP)] == [None]
    assert student.metrics[0].thresholds == [0.5]
