"""tools/gpu_check.py --tiny --device cpu: every section runs through the paths the GPU check
takes (weight files, configs, loaders, launcher) and the JSON holds what its docstring
documents, with finite numbers where a number is measured; the markdown table lists them."""
import contextlib
import datetime
import importlib.util
import io
import json
import math
import os
import os.path as osp
import re
import time

import pytest
import torch

from mmvicokd.experiments.gpu_check.bf16_agreement import compare_losses

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SECTIONS = ('paper_batch', 'bf16_vs_fp32', 'data_vs_compute', 'inference', 'launcher')


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('gpu_check_tool',
                                                  osp.join(REPO, 'tools', 'gpu_check.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def tiny(tool, tmp_path_factory):
    """One ``--tiny --device cpu`` check: its JSON, markdown, printed lines and wall time."""
    out = tmp_path_factory.mktemp('gpu_check')
    printed = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        assert tool.main(['--out', str(out), '--tiny', '--device', 'cpu']) == 0
    return dict(json=json.loads((out / 'gpu_check.json').read_text()),
                markdown=(out / 'gpu_check.md').read_text(), printed=printed.getvalue(),
                wall_s=time.perf_counter() - t0, out=out)


def documented_keys(doc: str) -> list:
    """The key paths of the docstring's JSON schema block (4-space indented ``key  text``)."""
    block = doc[doc.index('JSON schema'):doc.index('Markdown (')]
    return re.findall(r'^    (\S+)  +\S', block, flags=re.M)


def json_paths(value, prefix: str = ''):
    """Leaf paths of ``value``: ``a.b`` for keys, ``[]`` after a list of objects."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from json_paths(item, f'{prefix}.{key}' if prefix else key)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for item in value:
            yield from json_paths(item, prefix + '[]')
    else:
        yield prefix


def _under(path: str, key: str) -> bool:
    return path == key or path.startswith(key + '.') or path.startswith(key + '[]')


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def test_json_keys_are_the_documented_schema(tool, tiny):
    keys = documented_keys(tool.__doc__)
    assert len(keys) == len(set(keys)) > 100
    paths = set(json_paths(tiny['json']))
    undocumented = sorted(p for p in paths if not any(_under(p, k) for k in keys))
    assert not undocumented, undocumented
    missing = [k for k in keys if not any(_under(p, k) for p in paths)]
    assert not missing, missing


def test_environment_and_sections(tiny):
    result = tiny['json']
    assert result['schema'] == 1 and result['tiny'] is True
    assert result['sections'] == [1, 2, 3, 4, 5]
    assert all(key in result for key in SECTIONS)
    assert all(_finite(result[key]['wall_s']) and result[key]['wall_s'] > 0 for key in SECTIONS)
    assert result['wall_s'] >= sum(result[key]['wall_s'] for key in SECTIONS)
    env = result['environment']
    assert env['device'] == 'cpu' and env['device_memory_gib'] is None
    assert env['torch'] == torch.__version__ and env['cpu_count'] == os.cpu_count()
    assert env['shm_gib'] is None or env['shm_gib'] > 0
    assert datetime.datetime.fromisoformat(env['date']).tzinfo is not None
    assert env['commit'] is None or re.fullmatch(r'[0-9a-f]{40}', env['commit'])
    assert result['command'] == 'python tools/gpu_check.py --out %s --tiny --device cpu' % (
        tiny['out'])


def test_paper_batch_steps(tiny):
    section = tiny['json']['paper_batch']
    assert section['batch'] == [1, 5, 2] and section['depth'] == 1
    assert {(m['model'], m['with_cp']) for m in section['models']} == {
        ('teacher', True), ('vicokd', True)}
    teacher, vicokd = section['models']
    assert teacher['params_m'] == teacher['trainable_m'] > 0
    assert 0 < vicokd['trainable_m'] < vicokd['params_m']  # the frozen teacher
    assert [(r['model'], r['precision']) for r in section['rows']] == [
        ('teacher', 'bf16'), ('teacher', 'fp32'), ('vicokd', 'bf16'), ('vicokd', 'fp32')]
    for row in section['rows']:
        assert row['status'] == 'ok' and row['oom'] is None
        assert len(row['step_s']) == section['timed_steps']
        assert _finite(row['median_s_per_step']) and row['median_s_per_step'] > 0
        assert row['samples_per_s'] == pytest.approx(1 / row['median_s_per_step'])
        assert row['max_memory_allocated_gib'] is None  # CUDA only


def test_bf16_vs_fp32_losses(tiny):
    section = tiny['json']['bf16_vs_fp32']
    assert section['steps'] == 2 and section['any_non_finite'] is False
    for row in section['models']:
        assert row['steps_done'] == {'bf16': 2, 'fp32': 2}
        assert row['oom'] == {'bf16': None, 'fp32': None} and row['non_finite'] == []
        for steps in row['losses'].values():
            assert all('loss' in step and all(map(_finite, step.values())) for step in steps)
        # the figures are those of the logged losses, and bf16 stays close at one block
        again = compare_losses(row['losses']['fp32'], row['losses']['bf16'])
        assert row['max_rel_diff'] == again['max_rel_diff']
        assert 0 < row['max_rel_diff'] < 0.25
        assert row['max_rel_diff'] == max(row['max_rel_diff_per_key'].values())
        assert row['max_rel_diff_key'] in row['losses']['fp32'][row['max_rel_diff_step']]
    assert section['max_rel_diff'] == max(r['max_rel_diff'] for r in section['models'])
    assert {'distill.fd', 'distill.ld', 'loss_vc'} <= set(
        section['models'][1]['losses']['fp32'][0])


def test_data_vs_compute(tiny):
    result = tiny['json']
    section = result['data_vs_compute']
    workers = sorted({0, os.cpu_count()})
    assert [(r['path'], r['workers']) for r in section['rows']] == [
        (path, w) for path in ('decode', 'jpeg_cache') for w in workers]
    for row in section['rows']:
        assert row['samples'] == row['batches'] * section['loader_batch'] > 0
        assert row['samples_per_s'] == pytest.approx(row['samples'] / row['seconds'])
        assert _finite(row['main_cpu_s_per_sample']) and row['main_cpu_s_per_sample'] > 0
    assert section['cache']['frame_format'] == 'jpeg' and section['cache']['disk_mib'] > 0
    bf16 = {r['model']: r['samples_per_s'] for r in result['paper_batch']['rows']
            if r['precision'] == 'bf16'}
    assert section['step_samples_per_s'] == bf16
    serial = {r['path']: r['main_cpu_s_per_sample'] for r in section['rows'] if r['workers'] == 0}
    assert len(section['derived']) == 4
    for row in section['derived']:
        assert row['step_samples_per_s'] == bf16[row['model']]
        assert row['cpu_s_per_sample'] == serial[row['path']]
        assert row['cores_per_gpu'] == pytest.approx(
            row['step_samples_per_s'] * row['cpu_s_per_sample'])
        assert row['workers_enough'] in (None, *workers[1:])


def test_inference_and_launcher(tiny):
    result = tiny['json']
    rows = result['inference']['rows']
    assert [r['batch'] for r in rows] == [1, 2]
    for row in rows:
        assert row['oom'] is None and row['clips_per_s'] == pytest.approx(
            row['batch'] / row['median_s'])
    launcher = result['launcher']
    assert launcher['command'].startswith('bash ') and ' 1 --data-root ' in launcher['command']
    assert launcher['command'].split()[1].endswith('tools/dist_train.sh')
    assert launcher['backend'] == 'gloo' and launcher['nccl'] is False
    assert 'no CUDA' in launcher['nccl_skipped']
    assert launcher['world_size'] == 1 and launcher['train_steps'] >= 1
    assert launcher['loss_finite'] and _finite(launcher['last_loss']) and launcher['checkpoint']


def test_markdown_table_lists_the_measurements(tiny):
    result, markdown = tiny['json'], tiny['markdown']
    assert markdown.startswith('# GPU check\n')
    assert '| section | measurement | value |' in markdown
    for row in result['paper_batch']['rows']:
        assert (f"| 1. paper's batch | {row['model']} {row['precision']}, batch 1x5x2: "
                f"s/step (median of 1) | {row['median_s_per_step']:.3g} |") in markdown
    for row in result['bf16_vs_fp32']['models']:
        assert f"{row['max_rel_diff']:.3g} |" in markdown
        assert f"| 2. bf16 vs fp32 | {row['model']}, 2 steps: non-finite losses | none |" \
            in markdown
    for row in result['data_vs_compute']['rows']:
        assert (f"| 3. data vs compute | {row['path']}, {row['workers']} workers: samples/s | "
                f"{row['samples_per_s']:.3g} |") in markdown
    for row in result['data_vs_compute']['derived']:
        assert f"{row['path']}: cores per GPU for the {row['model']} step" in markdown
    for row in result['inference']['rows']:
        assert (f"| 4. student inference | bf16, batch {row['batch']}: clips/s | "
                f"{row['clips_per_s']:.3g} |") in markdown
    assert '| 5. launcher | backend, processes | gloo, 1 |' in markdown
    assert '| 5. launcher | NCCL | skipped: no CUDA' in markdown


def test_one_progress_line_per_section(tiny):
    lines = [line for line in tiny['printed'].splitlines() if line.startswith('[gpu_check] ')]
    assert [line.split()[1] for line in lines[:5]] == ['1.', '2.', '3.', '4.', '5.']
    assert 'wrote' in lines[5] and len(lines) == 6


def test_only_runs_the_named_sections(tool, tmp_path):
    with contextlib.redirect_stdout(io.StringIO()):
        assert tool.main(['--out', str(tmp_path), '--tiny', '--device', 'cpu',
                          '--only', '4']) == 0
    result = json.loads((tmp_path / 'gpu_check.json').read_text())
    assert result['sections'] == [4]
    assert [k for k in SECTIONS if k in result] == ['inference']
    assert '4. student inference' in (tmp_path / 'gpu_check.md').read_text()


@pytest.mark.skipif(torch.cuda.is_available(), reason='needs a machine without CUDA')
def test_cuda_without_a_gpu_is_a_clear_error(tool, tmp_path, capsys):
    assert tool.main(['--out', str(tmp_path)]) == 2
    message = capsys.readouterr().err
    assert '--device cuda' in message and 'torch.cuda.is_available() is False' in message
    assert '--device cpu' in message
    assert not list(tmp_path.iterdir())


def test_arguments(tool):
    args = tool.parse_args(['--out', 'x', '--only', '1', '3'])
    assert (args.device, args.tiny, args.only) == ('cuda', False, [1, 3])
    with pytest.raises(SystemExit):
        tool.parse_args(['--out', 'x', '--only', '6'])
    with pytest.raises(SystemExit):
        tool.parse_args(['--only', '1'])  # --out is required
