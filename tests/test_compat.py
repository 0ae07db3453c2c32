"""Import-time fixes: the missing mmaction drn module and the weights_only allow-list."""
import io
import sys

import numpy as np
import pytest
import torch

import mmvicokd  # noqa: F401  (applies the fixes)
from mmvicokd import compat


def test_mmaction_models_imports_and_drn_stand_in_fails_clearly():
    import mmaction.models  # noqa: F401  (fails without the fix on the PyPI wheel)
    from mmaction.models.localizers import DRN
    if compat._drn_missing():
        assert sys.modules['mmaction.models.localizers.drn'].DRN is DRN
        with pytest.raises(ImportError, match='drn is missing'):
            DRN()


def test_patch_is_idempotent():
    before = sys.modules.get('mmaction.models.localizers.drn')
    compat.apply()
    compat.apply()
    assert sys.modules.get('mmaction.models.localizers.drn') is before


def test_mmengine_checkpoint_with_message_hub_loads_weights_only(tmp_path):
    from mmengine.logging import HistoryBuffer, MessageHub
    from mmengine.runner.checkpoint import _load_checkpoint

    hub = MessageHub.get_instance('test_compat_hub')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/lr', np.float64(0.1))
    hub.update_info('iter', np.int64(3))
    hub.update_info('empty', np.zeros((0,), np.float32))
    hub.log_scalars['never_updated'] = HistoryBuffer()
    ckpt = dict(meta=dict(seed=np.int64(1), hist=np.array([1.0, 2.0])),
                message_hub=hub.state_dict(), state_dict={'w': torch.ones(2)})
    path = tmp_path / 'epoch_1.pth'
    torch.save(ckpt, path)
    loaded = _load_checkpoint(str(path))  # torch.load with weights_only=True by default
    scalar = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(scalar, HistoryBuffer) and scalar.mean() == 1.5
    assert loaded['meta']['seed'] == 1
    torch.testing.assert_close(loaded['state_dict']['w'], torch.ones(2))


def test_arbitrary_globals_stay_blocked(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'obj': io.BytesIO}, path)
    with pytest.raises(Exception, match='Unsupported global'):
        torch.load(path)


def test_mmaction_models_import_and_build_with_transformers5(tmp_path):
    """mmaction2 1.2.0's VindLU imports helpers transformers 5 removed; in a fresh interpreter
    with transformers 5 installed, importing mmvicokd then mmaction.models must work, and a
    recognizer and the distiller must build (the test extra pins transformers 5)."""
    import subprocess
    import importlib.metadata
    assert int(importlib.metadata.version('transformers').split('.')[0]) >= 5
    script = '\n'.join([
        'import mmvicokd, mmaction.models',
        'from mmaction.registry import MODELS',
        'from mmaction.utils import dependency',
        'from tests.models.recognizers.test_multiview_av_recognizer import model_cfg',
        'assert dependency.WITH_MULTIMODAL is False',
        "MODELS.build(model_cfg('MultiASL', 'teacher'))",
        "MODELS.build(dict(type='ViCoKDDistiller', student=model_cfg('MultiASL', 'student_VF'),"
        " teacher=model_cfg('MultiASL', 'teacher'), teacher_ckpt='unused.pth',"
        " distill_losses=dict(ld=dict(type='LogitDistillLoss'))))",
        'try:',
        "    MODELS.build(dict(type='VindLUVQA'))",
        'except ImportError as err:',
        "    print('placeholder:', err)",
    ])
    repo = str(__import__('pathlib').Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, '-c', script], cwd=repo, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'requires extra multi-modal dependencies' in out.stdout  # mmaction's placeholder


def test_transformers_switch_acts_only_for_transformers5(monkeypatch):
    from mmaction.utils import dependency
    monkeypatch.delitem(sys.modules, 'mmaction.models')  # as before the first import
    monkeypatch.setattr(dependency, 'WITH_MULTIMODAL', True)
    for major, acts in ((None, False), (4, False), (5, True)):
        monkeypatch.setattr(compat, '_major_version', lambda name, major=major: major)
        dependency.WITH_MULTIMODAL = True
        assert compat.skip_multimodal_on_transformers5() is acts
        assert dependency.WITH_MULTIMODAL is (not acts)
