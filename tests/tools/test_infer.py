"""tools/infer.py on footage without annotation, on a data set entry and on a short recording;
its decisions at stored or given thresholds, and the ground truth beside them."""
import json
import os.path as osp
import shutil

import numpy as np
import pytest
import torch

from tests.datasets.fixtures import write_recording

from ..helpers.calibrated_run import calibrated_student
from ..helpers.trained_runs import tool, trained_runs

CLIP_LEN = 8  # the tiny configs' T


@pytest.fixture(scope='module')
def runs(tiny_synthetic, tmp_path_factory):
    return trained_runs(tiny_synthetic, tmp_path_factory)


def recording_files(runs, index=0):
    with open(osp.join(runs['data_root'], 'test.json')) as f:
        entry = json.load(f)[index]
    return [osp.join(runs['data_root'], entry[f'video_url_{v}']) for v in range(1, 6)]


def read_output(out_dir, name):
    with open(osp.join(out_dir, name + '.json')) as f:
        result = json.load(f)
    from matplotlib.image import imread
    image = imread(osp.join(out_dir, name + '.png'))
    assert image[..., :3].std() > 0.05  # the timeline is not blank
    return result


def check_result(result, num_frames, views):
    classes = result['classes']
    assert len(classes) == 16 and result['views'] == views
    assert len(result['times']) == num_frames
    assert result['times'][:2] == [0.0, 0.4]  # the 2.5 FPS grid
    scores = np.asarray(result['frame_scores'])
    assert scores.shape == (num_frames, 16)
    assert np.asarray(result['seq_scores']).shape == (16,)
    assert ((scores >= 0) & (scores <= 1)).all()
    windows = result['windows']
    assert windows['clip_len'] == CLIP_LEN
    if num_frames > CLIP_LEN:
        covered = {s + i for s in windows['starts'] for i in range(CLIP_LEN)}
        assert covered == set(range(num_frames))  # every grid frame, nothing past the end
    else:
        assert windows['count'] == 1


def test_infer_videos_outside_the_data_root_equals_the_dataset_entry(runs, tmp_path):
    (tmp_path / 'footage').mkdir()
    copies = [shutil.copy(path, tmp_path / 'footage') for path in recording_files(runs)]
    copies = [str(c) for c in copies]
    config, ckpt = runs['student']['config'], runs['student']['ckpt']
    written = tool('infer.py')([config, ckpt, '--videos', *copies, '--out',
                                str(tmp_path / 'free'), '--stride', '3'])
    name = osp.basename(written['json'])[:-5]
    free = read_output(str(tmp_path / 'free'), name)
    assert runs['test_ids'][0].endswith('/' + free['recording'])  # '3-Part1' of '01/3-Part1'
    assert free['audio_used'] is False and free['videos'] == copies
    num_frames = len(free['times'])
    assert num_frames > CLIP_LEN  # the tiny set's recordings last 8-10 s: 20-25 frames
    check_result(free, num_frames, [1, 2, 3, 4, 5])
    assert free['windows']['count'] > 2

    tool('infer.py')([config, ckpt, '--recording', runs['test_ids'][0], '--out',
                      str(tmp_path / 'entry'), '--name', 'entry', '--stride', '3'])
    entry = read_output(str(tmp_path / 'entry'), 'entry')
    np.testing.assert_array_equal(entry['frame_scores'], free['frame_scores'])
    assert entry['seq_scores'] == free['seq_scores']


def test_infer_short_recording_with_audio(runs, tmp_path):
    """A 2 s recording (5 grid frames < T) through the teacher, which reads audio."""
    entry = write_recording(str(tmp_path), '01/9', num_views=5, seconds=2.0)
    videos = [str(tmp_path / entry[f'video_url_{v}']) for v in range(1, 6)]
    out = str(tmp_path / 'short')
    written = tool('infer.py')([runs['teacher']['config'], runs['teacher']['ckpt'], '--videos',
                                *videos, '--out', out])
    assert osp.basename(written['json']) == '9-Part1.json'
    result = read_output(out, '9-Part1')
    assert result['audio_used'] is True
    check_result(result, 5, [1, 2, 3, 4, 5])


def test_infer_matches_the_test_pipeline_when_the_recording_fits_one_window(runs, tmp_path):
    """With T >= T_full the single window is the test pipeline's clip: same scores as
    tools/test.py's predictions (the frame cache there, decoding here)."""
    from mmaction.registry import DATASETS
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DefaultScope

    from mmvicokd.apis.model_loading import load_recognizer

    cfg = Config.fromfile(runs['student']['config'])
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'SampleMultiViewFrames':
            step['clip_len'] = 32  # > the tiny recordings' 20-25 grid frames
    config = str(tmp_path / 'long_clip.py')
    cfg.dump(config)
    written = tool('infer.py')([config, runs['student']['ckpt'], '--recording',
                                runs['test_ids'][0], '--out', str(tmp_path / 'out')])
    with open(written['json']) as f:
        result = json.load(f)
    model, cfg = load_recognizer(config, runs['student']['ckpt'])
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
        with torch.no_grad():
            sample = model.test_step(pseudo_collate([dataset[0]]))[0]
    assert sample.metainfo['recording_id'] == result['recording']
    np.testing.assert_allclose(result['seq_scores'], sample.pred_score.numpy(), atol=1e-5)
    # per grid frame, the mean of the clip positions that show it
    inds = sample.frame_inds.numpy()
    frame = sample.pred_frame_score.numpy()
    expected = np.stack([frame[inds == i].mean(0) for i in range(len(result['times']))])
    np.testing.assert_allclose(result['frame_scores'], expected, atol=1e-5)


def test_infer_clear_errors(runs, tmp_path):
    config, ckpt = runs['student']['config'], runs['student']['ckpt']
    videos = recording_files(runs)
    with pytest.raises(SystemExit, match=r'4 video\(s\) given, but the model was built for 5'):
        tool('infer.py')([config, ckpt, '--videos', *videos[:4], '--out', str(tmp_path)])
    with pytest.raises(SystemExit, match='view file .*missing.mp4 does not exist'):
        tool('infer.py')([config, ckpt, '--videos', *videos[:4], str(tmp_path / 'missing.mp4'),
                          '--out', str(tmp_path)])


def recomputed_segments(result, thresholds):
    """The JSON's frame scores thresholded by hand: each class's runs of frames >= threshold."""
    scores, times, classes = result['frame_scores'], result['times'], result['classes']
    found = []
    for c, name in enumerate(classes):
        limit = float('inf') if thresholds[c] is None else thresholds[c]
        t = 0
        while t < len(times):
            if scores[t][c] < limit:
                t += 1
                continue
            u = t
            while u + 1 < len(times) and scores[u + 1][c] >= limit:
                u += 1
            found.append(dict(label=name, start=times[t], end=times[u],
                              peak=max(scores[i][c] for i in range(t, u + 1))))
            t = u + 1
    return sorted(found, key=lambda seg: (seg['start'], classes.index(seg['label'])))


def test_infer_decides_at_the_stored_thresholds_beside_the_ground_truth(runs, tmp_path_factory,
                                                                        tmp_path, capsys):
    calibrated = calibrated_student(runs, tmp_path_factory)
    written = tool('infer.py')([calibrated['config'], calibrated['ckpt'], '--recording',
                                runs['test_ids'][0], '--out', str(tmp_path), '--name', 'rec'])
    result = read_output(str(tmp_path), 'rec')
    assert result['thresholds'] == calibrated['record']['thresholds']
    assert result['thresholds_source'] == f'the meta of {calibrated["ckpt"]}'
    assert 'calibrated on a held-out split' in result['score_meaning']
    assert result['segments'] == recomputed_segments(result, result['thresholds'])
    assert result['segments']  # the tiny model detects something at its thresholds
    with open(osp.join(runs['data_root'], 'test.json')) as f:
        entry = json.load(f)[0]
    assert result['truth'] == entry['tricks']  # labels, start, end of the annotation
    assert result['seq_rank'][0] == result['classes'][int(np.argmax(result['seq_scores']))]
    assert 'thresholds from the meta of' in capsys.readouterr().out
    assert written['png'] == str(tmp_path / 'rec.png')


def test_infer_one_given_threshold_or_none(runs, tmp_path, capsys):
    config, ckpt = runs['student']['config'], runs['student']['ckpt']
    videos = recording_files(runs, index=1)
    tool('infer.py')([config, ckpt, '--videos', *videos, '--out', str(tmp_path / 'none')])
    assert 'has no calibrated thresholds: the scores only rank classes (not probabilities)' in \
        capsys.readouterr().out
    name = osp.basename(runs['test_ids'][1])
    bare = read_output(str(tmp_path / 'none'), name)
    assert bare['segments'] is None and bare['thresholds'] is None
    assert 'they are not probabilities' in bare['score_meaning'] and 'truth' not in bare

    tool('infer.py')([config, ckpt, '--videos', *videos, '--out', str(tmp_path / 'given'),
                      '--threshold', '0.6', '--ann-file', 'test.json'])
    given = read_output(str(tmp_path / 'given'), name)
    assert given['thresholds'] == [0.6] * 16 and given['thresholds_source'] == '--threshold'
    assert given['frame_scores'] == bare['frame_scores']
    assert given['segments'] == recomputed_segments(given, given['thresholds'])
    with open(osp.join(runs['data_root'], 'test.json')) as f:
        assert given['truth'] == json.load(f)[1]['tricks']  # found by the videos' name
    with pytest.raises(SystemExit, match=r'--threshold must be in \(0, 1\]'):
        tool('infer.py')([config, ckpt, '--videos', *videos, '--out', str(tmp_path),
                          '--threshold', '0'])
