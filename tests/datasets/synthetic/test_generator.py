"""The synthetic MultiSensor-Home set: files, streams, JSON schema, masks, design, determinism."""
import json
import os
import os.path as osp
import re
import runpy
import shutil

import av
import numpy as np
import pytest

from mmvicokd.datasets.synthetic import generator as gen
from mmvicokd.datasets.synthetic.audio import scene_audio
from mmvicokd.datasets.synthetic.classes import (CLASSES, sound_only_pairs, sound_signature,
                                                 visual_signature)
from mmvicokd.datasets.synthetic.episodes import plan_episode
from mmvicokd.datasets.synthetic.render import render_view
from mmvicokd.datasets.synthetic.room import NUM_VIEWS, ZONES, zone_views

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
JSON_FILES = ('all_labels.json', 'train.json', 'test.json', 'human_masks.json')


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('synthetic'))
    summary = gen.generate_synthetic_dataset(out, preset='tiny', seed=0)
    return out, summary


def _load(summary, key):
    with open(summary[key]) as f:
        return json.load(f)


def _rid(entry):
    return osp.splitext(entry['video_url_1'])[0].replace('-View1', '')


def _streams(path):
    with av.open(path) as container:
        assert len(container.streams.video) == 1 and len(container.streams.audio) == 1, path
        vstream = container.streams.video[0]
        width, height = vstream.codec_context.width, vstream.codec_context.height
        num_frames = sum(1 for _ in container.decode(video=0))
    with av.open(path) as container:
        rate = container.streams.audio[0].codec_context.sample_rate
        samples = sum(f.samples for f in container.decode(audio=0))
    return num_frames, width, height, rate, samples


def test_files_views_and_streams(tiny):
    out, summary = tiny
    root = summary['data_root']
    assert root == osp.join(out, 'Home1')
    entries = _load(summary, 'ann_file')
    masks = _load(summary, 'human_mask_file')
    assert len(entries) == summary['num_recordings'] == gen.PRESETS['tiny'].num_recordings
    for entry in entries:
        t_full = len(masks[_rid(entry)][0])
        counts = set()
        for view in range(1, 6):
            url = entry[f'video_url_{view}']
            assert re.fullmatch(rf'0[1-8]/\d+-View{view}-Part[12]\.mp4', url), url
            frames, width, height, rate, samples = _streams(osp.join(root, url))
            assert (width, height) == (96, 72) and rate == 16000
            assert frames % 10 == 0  # whole seconds at 10 fps
            duration = frames // 10
            assert 8 <= duration <= 10
            assert t_full == int(np.floor(duration * 2.5))
            # AAC adds at most a couple of frames of padding
            assert duration * 16000 <= samples <= duration * 16000 + 3 * 1024
            counts.add(frames)
        assert len(counts) == 1, f'views of {entry["video_url_1"]} differ in length'


def test_json_schema_split_and_masks(tiny):
    _, summary = tiny
    entries = _load(summary, 'ann_file')
    train, test = _load(summary, 'train_file'), _load(summary, 'test_file')
    masks = _load(summary, 'human_mask_file')
    assert (len(train), len(test)) == (4, 2) == (summary['num_train'], summary['num_test'])
    assert sorted(map(_rid, train + test)) == sorted(map(_rid, entries))
    assert set(masks) == {_rid(e) for e in entries}
    for entry in entries:
        assert set(entry) == {f'video_url_{v}' for v in range(1, 6)} | {'tricks'}
        with av.open(osp.join(summary['data_root'], entry['video_url_1'])) as container:
            duration = container.streams.video[0].frames / 10
        assert 1 <= len(entry['tricks']) <= 3
        for trick in entry['tricks']:
            assert set(trick) == {'start', 'end', 'labels'}
            assert 0 <= trick['start'] < trick['end'] <= duration
            assert len(trick['labels']) == 1 and trick['labels'][0] in CLASSES
        scores = np.asarray(masks[_rid(entry)])
        assert scores.shape == (NUM_VIEWS, int(np.floor(duration * 2.5)))
        assert set(np.unique(scores)) <= {0.0, 1.0}
    assert any(len(e['tricks']) >= 2 for e in entries), 'no multi-label episode'
    counts = {c: sum(any(t['labels'] == [c] for t in e['tricks']) for e in entries)
              for c in CLASSES}
    assert counts == summary['class_counts']


def test_room_has_partial_overlap():
    views = {zone: zone_views(zone) for zone in ZONES}
    assert all(views.values()), 'every zone must be seen by some camera'
    assert views['lamp'] == [1] and views['ac'] == [5]
    assert views['window'] == [3, 5] and views['door'] == [1, 2]
    assert len(views['table']) >= 3 and len(views['sofa']) >= 3
    few = [c for c in CLASSES if len(zone_views(visual_signature(c).zone)) <= 2]
    assert {'AdjustAC', 'TurnOnLamp', 'TurnOffLamp', 'OpenCurtain', 'CloseCurtain'} <= set(few)


def test_masks_are_true_visibility_of_action_zone(tiny):
    """While a stationary action lasts, the mask shows exactly the views that see its zone."""
    _, summary = tiny
    masks = _load(summary, 'human_mask_file')
    checked_few_views = 0
    for entry in _load(summary, 'ann_file'):
        scores = np.asarray(masks[_rid(entry)])
        for trick in entry['tricks']:
            sig = visual_signature(trick['labels'][0])
            if sig.motion in ('enter', 'exit', 'wipe'):
                continue
            lo = int(np.ceil(trick["start"] * 2.5))
            hi = min(int(np.ceil(trick["end"] * 2.5)), scores.shape[1])
            expected = np.zeros(NUM_VIEWS)
            expected[np.asarray(zone_views(sig.zone)) - 1] = 1.0
            assert hi > lo
            np.testing.assert_array_equal(scores[:, lo:hi], expected[:, None].repeat(hi - lo, 1))
            checked_few_views += len(zone_views(sig.zone)) <= 2
    assert checked_few_views > 0, 'tiny set has no action visible in only 1-2 views'


def test_sound_only_pairs_look_identical_and_sound_different():
    pairs = sound_only_pairs()
    assert ('TurnOffLamp', 'TurnOnLamp') in pairs and ('Clean', 'CleanVacuum') in pairs
    for a, b in pairs:
        assert visual_signature(a) == visual_signature(b)
        assert sound_signature(a) != sound_signature(b)
    # Same plan, same random draws: the frames are identical, the sound is not.
    episodes = [plan_episode(np.random.default_rng(3), [label], 8)
                for label in ('TurnOnLamp', 'TurnOffLamp')]
    for view in range(NUM_VIEWS):
        np.testing.assert_array_equal(render_view(episodes[0], view, 96, 72),
                                      render_view(episodes[1], view, 96, 72))
    on, off = (scene_audio(ep, np.random.default_rng(0)) for ep in episodes)
    trick = episodes[0].tricks[0]
    a, b = trick.start * 1600, trick.end * 1600
    spectra = [np.abs(np.fft.rfft(x[a:b])) for x in (on, off)]
    freqs = np.fft.rfftfreq(b - a, 1 / 16000)
    assert abs(freqs[np.argmax(spectra[0])] - 1800) < 5  # TurnOnLamp: 1800 Hz tone
    assert abs(freqs[np.argmax(spectra[1])] - 500) < 5   # TurnOffLamp: 500 Hz tone


def test_planned_episodes_overlap_in_time():
    plans = gen.plan_recordings(gen.PRESETS['demo'], seed=0)
    overlapping = [ep for _, _, ep in plans
                   if any(x.end > y.start for x, y in zip(ep.tricks, ep.tricks[1:]))]
    assert overlapping
    assert max(len(ep.tricks) for _, _, ep in plans) == 3
    assert all(t.end <= ep.num_frames for _, _, ep in plans for t in ep.tricks)


def test_same_seed_same_json_and_resume(tiny, tmp_path, capsys):
    out, summary = tiny
    copy = tmp_path / 'copy'
    shutil.copytree(out, copy)
    root = copy / 'Home1'
    for name in JSON_FILES + (gen.SUMMARY_NAME,):
        os.remove(root / name)
    entry = _load(summary, 'ann_file')[0]
    os.remove(root / entry['video_url_3'])
    again = gen.generate_synthetic_dataset(str(copy), preset='tiny', seed=0)
    assert 'Generating 1 of 6' in capsys.readouterr().out
    assert (root / entry['video_url_3']).is_file()
    for name in JSON_FILES:
        assert (root / name).read_bytes() == open(osp.join(summary['data_root'], name),
                                                  'rb').read(), name
    assert again['class_counts'] == summary['class_counts']
    assert not [p for p in os.listdir(root) if '.tmp' in p]


def test_second_call_returns_at_once_and_checks_arguments(tiny, capsys):
    out, summary = tiny
    capsys.readouterr()
    assert gen.generate_synthetic_dataset(out, preset='tiny', seed=0) == summary
    assert 'Generating' not in capsys.readouterr().out
    with pytest.raises(ValueError, match='seed=0'):
        gen.generate_synthetic_dataset(out, preset='tiny', seed=1)
    with pytest.raises(ValueError, match='unknown preset'):
        gen.generate_synthetic_dataset(out, preset='huge')


def test_cli_prints_summary(tiny, capsys):
    out, summary = tiny
    module = runpy.run_path(osp.join(REPO, 'tools', 'make_synthetic_dataset.py'))
    assert module['main'](['--out', out, '--preset', 'tiny', '--seed', '0']) == 0
    text = capsys.readouterr().out
    assert 'recordings    6 (train 4, test 2)' in text
    assert 'MiB' in text
    for name in CLASSES:
        assert re.search(rf'^  {name}\s+{summary["class_counts"][name]}$', text, re.M), name


def _hashes(root: str) -> dict:
    import hashlib
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = osp.join(folder, name)
            with open(path, 'rb') as f:
                out[osp.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def test_same_seed_same_bytes_in_other_processes_and_worker_counts(tiny, tmp_path):
    """Every file (mp4 and JSON) of the tiny preset is byte-identical when two more processes
    generate it at the same time, with 1 and 2 worker processes (the x264 settings of
    ``write_av_mp4``)."""
    import subprocess
    import sys
    out, summary = tiny
    procs = [subprocess.Popen(
        [sys.executable, osp.join(REPO, 'tools', 'make_synthetic_dataset.py'), '--out',
         str(tmp_path / f'w{workers}'), '--preset', 'tiny', '--seed', '0', '--workers',
         str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for workers in (1, 2)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    first = _hashes(summary['data_root'])
    assert sum(name.endswith('.mp4') for name in first) == 30
    summary_file = gen.SUMMARY_NAME  # holds absolute paths, so it differs by folder
    for workers in (1, 2):
        other = _hashes(str(tmp_path / f'w{workers}' / 'Home1'))
        assert set(other) == set(first)
        differing = sorted(n for n in first if n != summary_file and first[n] != other[n])
        assert not differing, f'{workers} worker(s): {differing}'
