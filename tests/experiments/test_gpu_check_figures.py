"""The GPU check's derived figures by hand: cores per GPU, the loss comparison, the
out-of-memory record and JSON-safe numbers (mmvicokd/experiments/gpu_check/)."""
import math

import pytest
import torch

from mmvicokd.experiments.gpu_check.bf16_agreement import compare_losses, non_finite
from mmvicokd.experiments.gpu_check.check_run import json_ready
from mmvicokd.experiments.gpu_check.cores_per_gpu import cores_needed, derive, workers_enough
from mmvicokd.experiments.gpu_check.device_timing import run_calls

CPU = torch.device('cpu')
# A loader measured at 0, 4, 8 and 16 workers (samples/s), its 0-worker run costing 0.5 CPU s
# a sample decoding and 0.1 from the cache.
ROWS = [dict(path='decode', workers=0, samples_per_s=1.8, main_cpu_s_per_sample=0.5),
        dict(path='decode', workers=4, samples_per_s=7.0, main_cpu_s_per_sample=0.02),
        dict(path='decode', workers=8, samples_per_s=13.5, main_cpu_s_per_sample=0.02),
        dict(path='decode', workers=16, samples_per_s=25.0, main_cpu_s_per_sample=0.02),
        dict(path='jpeg_cache', workers=0, samples_per_s=9.0, main_cpu_s_per_sample=0.1),
        dict(path='jpeg_cache', workers=4, samples_per_s=30.0, main_cpu_s_per_sample=0.03)]


def test_cores_per_gpu_by_hand():
    # a step of 12 samples in 0.5 s takes 24 samples a second; at 0.5 CPU s a sample that is
    # 12 cores, at 0.1 it is 2.4
    assert cores_needed(12 / 0.5, 0.5) == pytest.approx(12.0)
    assert cores_needed(24.0, 0.1) == pytest.approx(2.4)
    with pytest.raises(ValueError):
        cores_needed(-1.0, 0.5)


def test_fewest_workers_that_keep_up():
    decode = ROWS[:4]
    assert workers_enough(decode, 24.0) == 16  # 13.5 at 8 workers is short of 24
    assert workers_enough(decode, 13.5) == 8  # exactly enough counts
    assert workers_enough(decode, 1.0) == 4  # the 0-worker row (1.8) is no loader worker
    assert workers_enough(decode, 30.0) is None


def test_derive_pairs_each_path_with_each_step():
    out = derive(ROWS, {'teacher': 6.0, 'vicokd': 24.0})
    assert [(r['path'], r['model']) for r in out] == [
        ('decode', 'teacher'), ('decode', 'vicokd'),
        ('jpeg_cache', 'teacher'), ('jpeg_cache', 'vicokd')]
    by = {(r['path'], r['model']): r for r in out}
    assert by['decode', 'teacher']['cores_per_gpu'] == pytest.approx(3.0)  # 6 x 0.5
    assert by['decode', 'vicokd']['cores_per_gpu'] == pytest.approx(12.0)  # 24 x 0.5
    assert by['jpeg_cache', 'vicokd']['cores_per_gpu'] == pytest.approx(2.4)  # 24 x 0.1
    assert by['decode', 'teacher']['workers_enough'] == 4
    assert by['decode', 'vicokd']['workers_enough'] == 16
    assert by['jpeg_cache', 'vicokd']['workers_enough'] == 4
    assert by['jpeg_cache', 'teacher']['cpu_s_per_sample'] == 0.1
    unmeasured = derive(ROWS, {'teacher': None})
    assert unmeasured[0]['cores_per_gpu'] is None and unmeasured[0]['workers_enough'] is None
    with pytest.raises(ValueError, match='0-worker'):
        derive(ROWS[1:4], {'teacher': 6.0})


def test_loss_comparison_by_hand():
    fp32 = [dict(loss=2.0, loss_vc=0.0, distill=4.0), dict(loss=1.0, loss_vc=0.5, distill=4.0)]
    bf16 = [dict(loss=2.02, loss_vc=0.0, distill=4.0), dict(loss=1.0, loss_vc=0.45, distill=4.4)]
    out = compare_losses(fp32, bf16)
    # |0.45 - 0.5| / 0.5 = 0.1 = |4.4 - 4| / 4; the first in step and name order is reported
    assert out['max_rel_diff'] == pytest.approx(0.1)
    assert (out['max_rel_diff_step'], out['max_rel_diff_key']) == (1, 'distill')
    assert out['max_rel_diff_per_key'] == pytest.approx(dict(loss=0.01, loss_vc=0.1,
                                                             distill=0.1))
    # a non-finite value is left out of the comparison and reported
    bad = [dict(loss=float('nan'), loss_vc=0.0, distill=4.0)]
    assert compare_losses(fp32[:1], bad)['max_rel_diff_per_key'] == dict(loss_vc=0.0,
                                                                          distill=0.0)
    assert non_finite(dict(fp32=fp32, bf16=bad)) == [dict(precision='bf16', step=0, key='loss')]
    assert compare_losses([], [])['max_rel_diff'] is None


def test_out_of_memory_is_recorded_and_other_errors_propagate():
    calls = []

    def fails_on_third():
        calls.append(1)
        if len(calls) == 3:
            raise torch.cuda.OutOfMemoryError('CUDA out of memory. Tried to allocate 2 GiB\nmore')
    run = run_calls(fails_on_third, CPU, warmup=2, repeats=5)
    assert run['oom'] == dict(call='timed 1', message='CUDA out of memory. Tried to allocate 2 GiB',
                              max_memory_allocated_gib=None)
    assert run['seconds'] == [] and run['median_s'] is None
    done = run_calls(lambda: None, CPU, warmup=1, repeats=3)
    assert done['oom'] is None and len(done['seconds']) == 3 and done['median_s'] >= 0

    def broken():
        raise RuntimeError('not a memory error')
    with pytest.raises(RuntimeError, match='not a memory error'):
        run_calls(broken, CPU, warmup=0, repeats=1)


def test_json_ready_spells_out_non_finite_numbers():
    value = dict(a=[1.0, float('nan')], b=dict(c=float('inf'), d=-math.inf), e=None, f='x')
    assert json_ready(value) == dict(a=[1.0, 'nan'], b=dict(c='inf', d='-inf'), e=None, f='x')
