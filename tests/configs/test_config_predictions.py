"""Every config's model predicts its own test batch, and the config's test evaluator scores the
predictions (what tools/test.py does after loading a checkpoint), with tiny encoders.

What a test step reads is the predicting recognizer (a distiller predicts with its student),
the test pipeline and the evaluator; the loss terms never run. Configs that agree on those share
one representative (:func:`test_representatives_cover_every_config`), and each representative
predicts the first test batch of the tiny synthetic set (2 recordings) through
``model.test_step``, then the config's ``test_evaluator`` gives sequence- and frame-level mAP.
Training one step of every config: tests/tools/test_ddp_unused_parameters.py; the tools' whole
train -> test path of a few configs: tests/tools/test_train_test.py.
"""
import json

import pytest
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope

from ..helpers.config_models import CONFIGS, Batches, build_tiny, data_key, parsed, tiny_model_cfg

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def _without_losses(value):
    if isinstance(value, dict):
        return {k: _without_losses(v) for k, v in value.items() if 'loss' not in k}
    if isinstance(value, list):
        return [_without_losses(v) for v in value]
    return value


def _signature(rel: str) -> str:
    """What decides a test step: the predicting recognizer, the test inputs, the evaluator."""
    model = tiny_model_cfg(rel)
    if model['type'] == 'ViCoKDDistiller':
        model = model['student']
    evaluator = parsed(rel).test_evaluator
    evaluator = evaluator.to_dict() if hasattr(evaluator, 'to_dict') else evaluator
    return json.dumps([_without_losses(model), data_key(rel, 'test_dataloader'), evaluator],
                      sort_keys=True, default=str)


def _representatives() -> list:
    chosen = {}
    for rel in CONFIGS:
        chosen.setdefault(_signature(rel), rel)
    return sorted(chosen.values())


REPRESENTATIVES = _representatives()


def test_representatives_cover_every_config():
    known = {_signature(rel) for rel in REPRESENTATIVES}
    assert [rel for rel in CONFIGS if _signature(rel) not in known] == []
    assert len(REPRESENTATIVES) < len(CONFIGS) / 4  # configs differ mostly in their losses
    kinds = {tiny_model_cfg(rel)['type'] for rel in REPRESENTATIVES}
    assert kinds == {'MultiViewAVRecognizer', 'ViCoKDDistiller'}


@pytest.fixture(scope='module')
def batches(tiny_synthetic, tmp_path_factory):
    return Batches(tiny_synthetic, str(tmp_path_factory.mktemp('predictions_work')))


@pytest.mark.parametrize('rel', REPRESENTATIVES)
def test_test_step_is_scored_by_the_configs_evaluator(rel, batches):
    model = build_tiny(rel)
    model.eval()
    batch = batches.get(rel, 'test_dataloader')
    with DefaultScope.overwrite_default_scope('mmaction'):
        outputs = model.test_step(batch)
        evaluator = Evaluator(parsed(rel).test_evaluator)
        evaluator.dataset_meta = batches.dataset(rel, 'test_dataloader').metainfo
        evaluator.process(outputs, batch['data_samples'])
        metrics = evaluator.evaluate(len(outputs))
    assert len(outputs) == len(batch['data_samples']) == 2  # the tiny set's test recordings
    num_classes = len(evaluator.dataset_meta['classes'])
    for sample in outputs:
        assert sample.pred_score.shape == (num_classes,)
        assert sample.pred_frame_score.shape[1:] == (num_classes,)
    for key in ('seq_mAP', 'frame_mAP'):
        assert 0.0 <= metrics[key] <= 100.0, (key, metrics)
