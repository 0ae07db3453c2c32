"""tools/extract_features.py, then a configs/features/ teacher and its ViCoKD student train and
test on the cache through tools/train.py and tools/test.py (FeatureCacheCheckHook passes), and a
model with other encoder weights is stopped before training."""
import os.path as osp
import runpy

import numpy as np
import pytest

from ..datasets.fixtures import write_json, write_recording
from ..helpers.e2e import REPO, dump_config, tiny_config

RECS = ('01/3', '01/4', '01/5')


def tool(name: str):
    return runpy.run_path(osp.join(REPO, 'tools', name), run_name='mmvicokd_test')['main']


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('features_data'))
    entries = []
    for i, rec in enumerate(RECS):
        entry = write_recording(root, rec, num_views=5, seconds=4.0)
        entry['tricks'] = [dict(start=0.4 * i, end=0.4 * i + 1.5, labels=['Drink', 'Eat'][i % 2:])]
        entries.append(entry)
    write_json(osp.join(root, 'train.json'), entries[:2])
    write_json(osp.join(root, 'test.json'), entries[2:])
    rng = np.random.default_rng(0)
    write_json(osp.join(root, 'human_masks.json'),
               {f'Home1/{r}-Part1': rng.random((5, 10)).round(3).tolist() for r in RECS})
    return root


def features_config(rel, root, tmp_path, cache, **kwargs):
    cfg = tiny_config(rel, root, str(tmp_path / 'work'), None, **kwargs)
    model = cfg.model
    for recognizer in ((model['student'], model['teacher']) if 'student' in model else (model,)):
        for key in ('visual_encoder', 'audio_encoder'):
            if recognizer.get(key):
                recognizer[key]['frozen'] = True
    for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[split].dataset.pipeline[0]['cache_dir'] = cache
    return dump_config(cfg, str(tmp_path / osp.basename(rel)))


def test_extract_then_train_and_test_on_features(data_root, tmp_path, capsys):
    cache = str(tmp_path / 'features')
    teacher_dir = tmp_path / 'teacher'
    teacher_dir.mkdir()
    teacher = features_config('configs/features/teacher_multiasl_home1_av_f_features.py',
                              data_root, teacher_dir, cache)
    assert tool('extract_features.py')([teacher, '--out', cache]) == 0
    out = capsys.readouterr().out
    assert 'recordings    3 (3 extracted, 0 were up to date)' in out
    assert 'visual D=48, audio D=48 (float16)' in out

    tool('train.py')([teacher])
    ckpt = str(teacher_dir / 'work' / 'epoch_1.pth')
    metrics = tool('test.py')([teacher, ckpt, '--work-dir', str(teacher_dir / 'test')])
    assert list(metrics)[:2] == ['seq_mAP', 'frame_mAP']

    vicokd_dir = tmp_path / 'vicokd'
    vicokd_dir.mkdir()
    vicokd = features_config('configs/features/vicokd_multiasl_home1_v_f_features.py',
                             data_root, vicokd_dir, cache, teacher_ckpt=ckpt)
    tool('train.py')([vicokd])
    assert osp.isfile(vicokd_dir / 'work' / 'epoch_1.pth')

    with pytest.raises(ValueError, match='visual encoder has other weights'):
        tool('train.py')([teacher, '--seed', '1', '--work-dir', str(tmp_path / 'seed1')])
