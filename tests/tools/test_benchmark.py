"""tools/benchmark.py (driver of mmvicokd/experiments/speed/) at the smallest sizes: result
structure, equality checks and the directions memory must move in, no timings."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmvicokd.experiments.speed.encoder import CHILD_ENV
from mmvicokd.experiments.speed.view_consistency import naive_view_consistency
from mmvicokd.models.losses.functional import view_consistency
from mmvicokd.experiments.speed.measure import ratio_rows, time_interleaved
from mmvicokd.utils.markdown import markdown_table

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def benchmark():
    spec = importlib.util.spec_from_file_location(
        'benchmark_tool', osp.join(REPO, 'tools', 'benchmark.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TINY = ['--duration', '2', '--fps', '10', '--width', '64', '--height', '48', '--views', '2',
        '--clip-len', '4', '--audio-rate', '16000', '--repeats', '1',
        '--arch', 'vit_tiny_patch16_224', '--img-size', '32',
        '--enc-views', '2', '--enc-frames', '2', '--chunk-sizes', '1,all',
        '--vc-shape', '2,3,4,5', '--model-depth', '1', '--step-shape', '1,5,2',
        '--feature-step-shape', '2,5,4', '--memory-frames', '1,2']


def _check_ratio_rows(rows, count):
    assert len(rows) == count
    assert rows[0]['ratio'] == 1.0
    for row in rows:
        assert set(row) >= {'name', 'median_s', 'times_s', 'ratio'}
        assert len(row['times_s']) == 1 and row['median_s'] > 0


def test_benchmark_cli_tiny(benchmark, tmp_path, capsys):
    out = tmp_path / 'bench' / 'results.json'
    assert benchmark.main(TINY + ['--json', str(out)]) == 0
    results = json.loads(out.read_text())

    video = results['video']
    _check_ratio_rows(video['rows'], 4)
    assert video['frames'] == 4 and len(video['native_frames_read']) == 4
    by_name = {r['name']: r['mean_abs_diff_vs_ours'] for r in video['rows']}
    # the decord alternatives decode exactly the frames we decode
    assert by_name['decord vr[i] per frame'] == 0.0
    assert by_name['decord: decode every frame, then index'] == 0.0

    audio = results['audio']
    _check_ratio_rows(audio['rows'], 3)
    assert audio['windows'] == 4 and audio['max_abs_diff'] <= 1e-3

    pipe = results['pipeline']
    assert [r['name'] for r in pipe['rows']] == [
        'MultiViewDecordInit', 'SampleMultiViewFrames', 'DecodeMultiViewVideo',
        'LoadAudioFbank', 'LoadFrameLabels', 'LoadHumanMasks', 'PackMultiViewInputs']
    assert sum(r['share'] for r in pipe['rows']) == pytest.approx(1.0)
    assert pipe['inputs'] == dict(video=[2, 4, 3, 224, 224], audio=[2, 4, 40, 128])

    enc = results['encoder']
    assert enc['input_shape'] == [1, 2, 2, 3, 32, 32] and enc['out_dim'] == 192
    assert [(r['mode'], r['chunk_size'], r['calls']) for r in enc['rows']] == [
        ('frozen', '1', 4), ('frozen', 'all', 1), ('trainable', '1', 4), ('trainable', 'all', 1)]
    assert all(r['peak_rss_growth_mib'] >= 0 and r['median_s'] > 0 for r in enc['rows'])

    vc = results['view_consistency']
    _check_ratio_rows(vc['rows'], 2)
    assert vc['equal'] and vc['value_abs_diff'] <= 1e-6 and vc['grad_max_abs_diff'] <= 1e-6

    cache = results['caches']
    assert [r['name'] for r in cache['rows']] == [
        'decode (Home-1 train pipeline)', 'frame cache', 'feature cache']
    assert cache['rows'][0]['speedup'] == 1.0
    assert cache['rows'][2]['inputs'] == dict(visual_feat=[2, 4, 192], audio_feat=[2, 4, 192])
    assert cache['rows'][1]['inputs'] == pipe['inputs']
    assert cache['feature_speedup'] == pytest.approx(1 / cache['rows'][2]['ratio'])

    fmt = results['cache_formats']
    assert [r['name'] for r in fmt['rows']] == [
        'decode (Home-1 train pipeline)', 'raw', 'deflate', 'jpeg q90', 'jpeg q95',
        'jpeg q90 + float16 fbank']
    by_format = {r['name']: r for r in fmt['rows']}
    for name in ('raw', 'deflate'):  # lossless: the decoded sample itself
        assert by_format[name]['video_max_abs_diff'] == 0
        assert by_format[name]['audio_max_abs_diff'] <= 1e-6
    jpeg, half = by_format['jpeg q90'], by_format['jpeg q90 + float16 fbank']
    assert 0 < jpeg['video_mean_abs_diff'] <= 8 and jpeg['audio_max_abs_diff'] <= 1e-6
    # float16 fbank values within 2**-11 of |x| <= 32, then divided by 2 * 4.569
    assert 0 < half['audio_max_abs_diff'] <= 32 * 2 ** -11 / 9.138
    raw = by_format['raw']['bytes']
    assert raw['video'] == 2 * 5 * 224 * 224 * 3 + 128  # 2 views x 5 grid frames + npy header
    assert jpeg['bytes']['video'] < raw['video'] / 4 and jpeg['bytes_vs_raw'] < 1
    assert half['bytes']['fbank'] == pytest.approx(raw['fbank'] / 2, rel=0.01)
    assert by_format['raw']['gb_per_hour'] == pytest.approx(raw['file'] / 2 * 3600 * 5 / 2 / 1e9)
    assert by_format['raw']['dataset_gb'] == pytest.approx(
        by_format['raw']['gb_per_hour'] * 5250 * 28 / 3600)

    mem = results['memory']
    assert [(r['model'], r['setting']) for r in mem['rows']][:4] == [
        ('student', 'float32'), ('student', 'float32 + with_cp'), ('student', 'bf16 autocast'),
        ('student', 'bf16 autocast + with_cp')]
    by_setting = {(r['model'], r['setting']): r for r in mem['rows']}
    for model in ('student', 'teacher'):
        full = by_setting[(model, 'float32')]
        assert full['kept_bytes'][1] > full['kept_bytes'][0] > 0
        # checkpointing and bf16 each keep less per frame
        assert by_setting[(model, 'float32 + with_cp')]['mib_per_frame'] < full['mib_per_frame']
        assert by_setting[(model, 'bf16 autocast')]['mib_per_frame'] < full['mib_per_frame']

    steps = results['train_steps']
    for key in ('pixels', 'features'):
        assert [r['name'] for r in steps[key]['rows']][:2] == ['Student train step',
                                                               'ViCoKD train step']
        assert steps[key]['ratio'] > 0
    assert 0 < steps['features']['vc_share'] < 1

    report = capsys.readouterr().out
    for title in ('## 1. Video', '## 2. Audio', '## 3. Train pipeline', '## 4. Encoder',
                  '## 5. View-consistency', '## 6. One training sample from the caches',
                  '## 6b. Frame-cache formats',
                  '## 7. Activation memory', '## 8a. Train step', '## 8b. Train step',
                  '## Ratios (one run) and goals', 'feature-cache sample vs decoded sample',
                  'view-consistency share'):
        assert title in report


def test_naive_view_consistency_matches_eq10():
    gen = torch.Generator().manual_seed(1)
    probs = torch.randn(3, 4, 5, 6, generator=gen).softmax(-1)
    masks = torch.rand(3, 4, 5, generator=gen) < 0.6
    assert torch.allclose(naive_view_consistency(probs, masks),
                          view_consistency(probs, masks), rtol=1e-5, atol=1e-7)
    # two views, one frame, both visible: w * JS by hand
    p = torch.tensor([[[[0.75, 0.25]], [[0.25, 0.75]]]])
    both = torch.ones(1, 2, 1, dtype=torch.bool)
    js = 0.75 * torch.log(torch.tensor(1.5)) + 0.25 * torch.log(torch.tensor(0.5))
    assert torch.allclose(naive_view_consistency(p, both), 0.75 * 0.75 * js)


def test_cli_rejects_bad_sizes(benchmark):
    for bad in (['--width', '321'], ['--chunk-sizes', '0,all'], ['--vc-shape', '2,1,3,4'],
                ['--duration', '0.1'], ['--memory-frames', '4,2'], ['--step-shape', '1,5']):
        with pytest.raises(SystemExit):
            benchmark.parse_args(bad)


def test_time_interleaved_rotates_order_and_drops_warmup():
    calls = []
    times = time_interleaved({'a': lambda: calls.append('a'), 'b': lambda: calls.append('b'),
                              'c': lambda: calls.append('c')}, repeats=2, warmup=1)
    assert calls == ['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']
    assert list(times) == ['a', 'b', 'c'] and all(len(t) == 2 for t in times.values())


def test_ratio_rows_and_table():
    rows = ratio_rows({'ours': [1.0, 3.0, 2.0], 'naive': [8.0, 4.0, 6.0]}, 'ours')
    assert [(r['name'], r['median_s'], r['ratio']) for r in rows] == [
        ('ours', 2.0, 1.0), ('naive', 6.0, 3.0)]
    with pytest.raises(KeyError):
        ratio_rows({'a': [1.0]}, 'b')
    table = markdown_table(['path', 's'], [('ours', 0.123456), ('naive', 2)])
    assert table.splitlines() == ['| path | s |', '|---|---|', '| ours | 0.123 |',
                                  '| naive | 2 |']


def test_peak_rss_of_sees_a_large_allocation():
    """In a fresh process (as the docstring asks): inside pytest, memory that earlier tests
    freed but the allocator kept would be reused and not counted (CI saw 5 MiB for 64)."""
    code = ('import torch; from mmvicokd.experiments.speed.measure import peak_rss_of; '
            'print(peak_rss_of(lambda: torch.empty(16 * 2 ** 20).fill_(1.0)))')
    env = dict(os.environ, **CHILD_ENV)
    out = subprocess.run([sys.executable, '-c', code], env=env, check=True,
                         capture_output=True, text=True).stdout
    grown = int(out.split()[-1])
    assert 60 * 2 ** 20 <= grown < 200 * 2 ** 20


def test_benchmark_pretrained_step_one_block(benchmark, tmp_path, capsys):
    """Section 9 with 1-block encoders (the real widths, 224 px, 5 views) on clips of 8 frames
    of a 4-s recording (the configs' 70 frames of 30 s take 10x longer through the same code):
    every weight layout loads through the configs' encoders and a train step gives finite
    losses."""
    from mmvicokd.experiments.speed.pretrained_step import CASES
    out = tmp_path / 'results.json'
    assert benchmark.main(['--pretrained-step', '--model-depth', '1', '--threads', '2',
                           '--clip-len', '8', '--duration', '4', '--json', str(out)]) == 0
    rows = json.loads(out.read_text())['pretrained_step']['rows']
    assert [(r['model'], r['vit'], r['ast']) for r in rows] == list(CASES)
    for row in rows:
        assert row['step_s'] > 0 and row['peak_rss_gib'] > 0
        assert all(v == v and abs(v) < float('inf') for v in row['losses'].values()), row
    teacher, vicokd = rows[0], rows[-1]
    assert teacher['params_m'] == teacher['trainable_m'] > 0
    assert vicokd['trainable_m'] < vicokd['params_m']  # the frozen teacher
    assert {'distill.fd', 'distill.ld', 'loss_vc'} <= set(vicokd['losses'])
    printed = capsys.readouterr().out
    assert '# 9. One train step of the real-size models' in printed and 'vit.npz' in printed
