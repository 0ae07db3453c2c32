"""Human-mask extraction with ultralytics YOLOv10, offline, on the tiny synthetic set."""
import json
import os
import os.path as osp
import runpy

import decord
import numpy as np
import pytest
import torch

from mmvicokd.datasets.synthetic.generator import generate_synthetic_dataset
from mmvicokd.detection import PersonScorer, extract_human_masks, grid_frames
from mmvicokd.detection.ultralytics_env import prepare_ultralytics_env

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return generate_synthetic_dataset(str(tmp_path_factory.mktemp('synthetic')), preset='tiny')


def _load(path):
    with open(path) as f:
        return json.load(f)


def test_env_is_offline_with_a_local_font():
    config_dir = prepare_ultralytics_env()
    assert os.environ['YOLO_OFFLINE'] == '1' and os.environ['YOLO_AUTOINSTALL'] == '0'
    assert config_dir == os.environ['YOLO_CONFIG_DIR']
    with open(osp.join(config_dir, 'Ultralytics', 'Arial.ttf'), 'rb') as f:
        assert f.read(4) == b'\x00\x01\x00\x00'  # TrueType magic


def test_hub_names_are_never_downloaded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match='yolov10b.pt'):
        PersonScorer('yolov10b.pt')
    assert os.listdir(tmp_path) == []


def test_grid_frames_follow_the_pipeline_grid(tiny):
    entry = _load(tiny['ann_file'])[0]
    paths = [osp.join(tiny['data_root'], entry[f'video_url_{v}']) for v in range(1, 6)]
    views = grid_frames(paths, 'rec')
    t_full = len(_load(tiny['human_mask_file'])[
        osp.splitext(entry['video_url_1'])[0].replace('-View1', '')][0])
    assert [v.shape for v in views] == [(t_full, 72, 96, 3)] * 5
    reader = decord.VideoReader(paths[2])
    np.testing.assert_array_equal(views[2][3], reader[12].asnumpy())  # 2.5 FPS of 10 fps
    with pytest.raises(FileNotFoundError, match='rec.*nope.mp4'):
        grid_frames([paths[0], paths[0] + 'nope.mp4'], 'rec')


def test_tool_scores_shape_keys_and_resume(tiny, random_yolo, tmp_path, capsys):
    out = str(tmp_path / 'masks.json')
    truth = _load(tiny['human_mask_file'])
    main = runpy.run_path(osp.join(REPO, 'tools', 'extract_human_masks.py'))['main']
    args = ['--data-root', tiny['data_root'], '--weights', random_yolo, '--out', out,
            '--imgsz', '96', '--ann-file', tiny['train_file']]
    assert main(args) == 0
    masks = _load(out)
    train_ids = {osp.splitext(e['video_url_1'])[0].replace('-View1', '')
                 for e in _load(tiny['train_file'])}
    assert set(masks) == train_ids
    for rid, scores in masks.items():
        scores = np.asarray(scores)
        assert scores.shape == np.asarray(truth[rid]).shape
        assert scores.min() >= 0.0 and scores.max() <= 1.0
    # a random-init detector finds nobody in the synthetic room
    assert all(np.all(np.asarray(s) == 0.0) for s in masks.values())

    # Resume: only the recordings not yet in the file are scored, the others are kept.
    calls = []

    def scorer(frames):
        calls.append(len(frames))
        return np.full(len(frames), 0.5, dtype=np.float32)

    masks2 = extract_human_masks([tiny['train_file'], tiny['test_file']], tiny['data_root'],
                                 out, scorer)
    assert set(masks2) == set(truth)
    assert len(calls) == 5 * len(_load(tiny['test_file']))
    for rid in truth:
        assert np.all(np.asarray(masks2[rid]) == (0.0 if rid in train_ids else 0.5))
    assert _load(out) == masks2
    calls.clear()
    assert extract_human_masks([tiny['ann_file']], tiny['data_root'], out, scorer) == masks2
    assert calls == []
    assert [p for p in os.listdir(tmp_path) if p != 'masks.json'] == []


def test_tool_paths_are_relative_to_the_data_root_and_device_defaults(tiny, tmp_path,
                                                                      monkeypatch):
    tool = runpy.run_path(osp.join(REPO, 'tools', 'extract_human_masks.py'))
    root = tiny['data_root']
    monkeypatch.chdir(tmp_path)  # nothing resolves against the working directory
    args = tool['parse_args'](['--data-root', root, '--weights', 'w.pt', '--ann-file',
                               osp.basename(tiny['train_file'])])
    assert args.ann_file == [osp.join(root, osp.basename(tiny['train_file']))]
    assert args.out == osp.join(root, 'human_masks.json')  # what the configs read
    assert args.device == ('cuda:0' if torch.cuda.is_available() else 'cpu')
    absolute = tool['parse_args'](['--data-root', root, '--weights', 'w.pt', '--ann-file',
                                   tiny['train_file'], '--out', str(tmp_path / 'm.json'),
                                   '--device', 'cpu'])
    assert absolute.ann_file == [tiny['train_file']] and absolute.out == str(tmp_path / 'm.json')
    with pytest.raises(SystemExit):
        tool['parse_args'](['--data-root', root, '--weights', 'w.pt', '--ann-file',
                            osp.join('data', 'Home1', 'all_labels.json')])
    with pytest.raises(SystemExit):
        tool['parse_args'](['--data-root', str(tmp_path / 'nowhere'), '--weights', 'w.pt',
                            '--ann-file', 'all_labels.json'])


def test_tool_names_a_missing_annotation_relative_to_the_root(tiny, capsys):
    tool = runpy.run_path(osp.join(REPO, 'tools', 'extract_human_masks.py'))
    with pytest.raises(SystemExit):
        tool['parse_args'](['--data-root', tiny['data_root'], '--weights', 'w.pt',
                            '--ann-file', 'missing.json'])
    err = capsys.readouterr().err
    assert 'missing.json' in err and 'relative to --data-root' in err
