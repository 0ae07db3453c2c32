"""End to end: tools/train.py → tools/test.py for every config family, tiny settings on CPU.

Also the distributed path: tools/dist_train.sh with 2 CPU processes (gloo) trains, and
tools/dist_test.sh of one checkpoint with 2 processes gives exactly tools/test.py's mAP with 1,
on a test set of 3 recordings (so the sampler pads one rank, and that padding must not count:
the dumped predictions hold each recording once); and the 2-process training equals a 1-process
one at the same total batch (weights within 1e-5, same test mAP).
"""
import glob
import json
import os
import os.path as osp
import pickle
import runpy
import subprocess
import sys

import pytest
import torch

from mmvicokd.datasets.functional import recording_id_from_url

from ..helpers.e2e import REPO, dump_config, save_random_teacher, tiny_config
from ..helpers.launch import LAUNCH_VARS, free_port

pytestmark = pytest.mark.slow

METRICS = ('seq_mAP', 'frame_mAP')


def tool(name: str):
    """A tool's ``main`` (tools/ is not a package; run the file as users do)."""
    return runpy.run_path(osp.join(REPO, 'tools', name), run_name='mmvicokd_test')['main']


@pytest.fixture(scope='module')
def tiny_set(tiny_synthetic):
    return tiny_synthetic  # tests/tools/conftest.py: built once per session


def val_metrics(work_dir: str) -> dict:
    """The last validation metrics a training run logged (vis_data/scalars.json)."""
    found = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'frame_mAP' in record:
                    found = record
    assert found, f'no validation metrics logged under {work_dir}'
    return {k: found[k] for k in METRICS}


def train_losses(work_dir: str) -> list:
    losses = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            losses += [json.loads(line)['loss'] for line in f if '"loss"' in line]
    return losses


def logged_test_metrics(work_dir: str) -> dict:
    """Metrics of the last test run (MMEngine writes them to <work_dir>/<time>/<time>.json)."""
    runs = sorted(p for p in glob.glob(osp.join(work_dir, '*', '*.json')))
    assert runs, f'no test log under {work_dir}'
    with open(runs[-1]) as f:
        record = json.load(f)
    return {k: record[k] for k in METRICS}


def train_then_test(rel, tiny_set, tmp_path, epochs=1, test_args=(), **kwargs):
    root, cache = tiny_set
    work_dir = str(tmp_path / 'work')
    cfg = tiny_config(rel, root, work_dir, cache, epochs=epochs, **kwargs)
    path = dump_config(cfg, str(tmp_path / osp.basename(rel)))
    tool('train.py')([path])
    ckpt = osp.join(work_dir, f'epoch_{epochs}.pth')
    assert osp.isfile(ckpt)
    metrics = tool('test.py')([path, ckpt, '--work-dir', str(tmp_path / 'test'), *test_args])
    return path, ckpt, work_dir, metrics


def test_teacher_train_then_test_reproduces_validation_map(tiny_set, tmp_path):
    dump = tmp_path / 'predictions.pkl'
    _, _, work_dir, metrics = train_then_test(
        'configs/teacher/teacher_multiasl_home1_av_f.py', tiny_set, tmp_path, epochs=2,
        test_args=('--dump', str(dump)))
    logged = val_metrics(work_dir)
    for key in METRICS:
        assert 0.0 <= metrics[key] <= 100.0
        assert metrics[key] == pytest.approx(logged[key], abs=1e-4), key  # log keeps 4 digits
    with open(dump, 'rb') as f:
        predictions = pickle.load(f)
    assert len(predictions) == 2  # the tiny set's test recordings
    assert predictions[0]['pred_score'].shape == (16,)
    assert predictions[0]['pred_frame_score'].shape == (8, 16)


RECOGNIZER_FAMILIES = [
    'configs/student/student_multitrans_home1_v_s.py',
    'configs/student/student_multitsf_home2_v_f.py',
    'configs/teacher_vc/teacher_vc_multitsf_home2_av_f.py',
    'configs/demo/student_multiasl_synthetic_v_f.py',
]
DISTILLER_FAMILIES = [
    'configs/logitkd/logitkd_multitsf_home1_v_f.py',
    'configs/modalkd/modalkd_multitrans_home2_v_s.py',
    'configs/dualkd/dualkd_multiasl_home2_v_f.py',
    'configs/cokd/cokd_multitsf_home2_v_s.py',
    'configs/vicokd_multiasl_home1.py',
    'configs/ablations/vicokd_nomask_multiasl_home1_v_s.py',
    'configs/demo/vicokd_multiasl_synthetic_v_s.py',
]


@pytest.mark.parametrize('rel', RECOGNIZER_FAMILIES)
def test_recognizer_family_trains_and_tests(rel, tiny_set, tmp_path):
    *_, metrics = train_then_test(rel, tiny_set, tmp_path)
    assert set(METRICS) <= set(metrics)


@pytest.mark.parametrize('rel', DISTILLER_FAMILIES)
def test_distiller_family_trains_and_tests(rel, tiny_set, tmp_path):
    root, cache = tiny_set
    probe = tiny_config(rel, root, str(tmp_path / 'probe'), cache)
    teacher_ckpt = save_random_teacher(probe, str(tmp_path / 'teacher.pth'))
    _, ckpt, work_dir, metrics = train_then_test(rel, tiny_set, tmp_path,
                                                 teacher_ckpt=teacher_ckpt)
    assert set(METRICS) <= set(metrics)
    losses = train_losses(work_dir)
    assert losses and all(torch.isfinite(torch.tensor(losses)))


def test_extracted_student_tests_like_the_distiller(tiny_set, tmp_path):
    root, cache = tiny_set
    rel = 'configs/vicokd/vicokd_multiasl_home1_v_s.py'
    probe = tiny_config(rel, root, str(tmp_path / 'probe'), cache)
    teacher_ckpt = save_random_teacher(probe, str(tmp_path / 'teacher.pth'))
    _, ckpt, _, metrics = train_then_test(rel, tiny_set, tmp_path, teacher_ckpt=teacher_ckpt)
    student_ckpt = str(tmp_path / 'student.pth')
    tool('extract_student.py')([ckpt, student_ckpt])
    student_cfg = tiny_config('configs/student/student_multiasl_home1_v_s.py', root,
                              str(tmp_path / 'student_work'), cache)
    student_path = dump_config(student_cfg, str(tmp_path / 'student_cfg.py'))
    student_metrics = tool('test.py')([student_path, student_ckpt, '--work-dir',
                                       str(tmp_path / 'student_test')])
    for key in METRICS:
        assert student_metrics[key] == metrics[key]


def _run_dist(script: str, args: list, cwd: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARS}  # none from elsewhere
    env.update(PYTHON=sys.executable, PORT=str(free_port()), OMP_NUM_THREADS='1')
    proc = subprocess.run(['bash', osp.join(REPO, 'tools', script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_dist_train_and_dist_test_match_single_process(tiny_set, tmp_path):
    root, cache = tiny_set
    rel = 'configs/demo/teacher_multiasl_synthetic_av_f.py'
    epochs = 4
    work_dir = str(tmp_path / 'dist_work')
    cfg = tiny_config(rel, root, work_dir, cache, epochs=epochs, test_ann='test3.json')
    cfg.train_dataloader.dataset.ann_file = 'train.json'
    # 1 recording a process: the 1-process run below can then see the same batches (a 2-sample
    # batch would put other recordings together in Two-way's class-wise term); no dropout, whose
    # masks DDP draws per process.
    cfg.train_dataloader.batch_size = 1
    cfg.model.fusion.dropout = 0.0
    path = dump_config(cfg, str(tmp_path / 'dist_cfg.py'))

    _run_dist('dist_train.sh', [path, '2'], cwd=REPO)
    losses = train_losses(work_dir)
    assert len(losses) == 2 * epochs  # 4 training recordings, 1 per process a step
    assert losses[-1] < losses[0], losses
    ckpt = osp.join(work_dir, f'epoch_{epochs}.pth')

    single = tool('test.py')([path, ckpt, '--work-dir', str(tmp_path / 'single')])
    dump = str(tmp_path / 'dist_predictions.pkl')
    _run_dist('dist_test.sh', [path, ckpt, '2', '--work-dir', str(tmp_path / 'dist'), '--dump',
                               dump], cwd=REPO)
    dist = logged_test_metrics(str(tmp_path / 'dist'))
    for key in METRICS:
        assert dist[key] == pytest.approx(single[key], abs=1e-4), key
    with open(dump, 'rb') as f:  # every test recording exactly once (the padded one is dropped)
        counted = sorted(p['recording_id'] for p in pickle.load(f))
    with open(osp.join(root, 'test3.json')) as f:
        assert counted == sorted(recording_id_from_url(e['video_url_1']) for e in json.load(f))

    # One process at the same total batch: 2 recordings a step, as 2 accumulated batches of 1,
    # in the order the 2 ranks read them; the sampling seeds depend on seed, epoch and index
    # only, so every step sees the same frames. Float sums differ in order only.
    cfg.optim_wrapper['accumulative_counts'] = 2
    cfg.work_dir = str(tmp_path / 'one_work')
    one_path = dump_config(cfg, str(tmp_path / 'one_cfg.py'))
    # One thread, as each rank has (OMP_NUM_THREADS=1): with more, MKL may split a reduction by
    # the machine's load, and Adam turns last-bit gradient differences into visible ones.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        tool('train.py')([one_path])
    finally:
        torch.set_num_threads(threads)
    one_ckpt = osp.join(cfg.work_dir, f'epoch_{epochs}.pth')
    one = tool('test.py')([one_path, one_ckpt, '--work-dir', str(tmp_path / 'one_test')])
    for key in METRICS:
        assert one[key] == pytest.approx(single[key], abs=1e-4), key
    a = torch.load(ckpt, weights_only=True)['state_dict']
    b = torch.load(one_ckpt, weights_only=True)['state_dict']
    assert max(float((a[k] - b[k]).abs().max()) for k in a) < 1e-5


def test_trick_3s_past_its_video_trains_and_is_logged(tiny_set, tmp_path):
    """A training recording whose last trick ends 3 s after its (shortest) video: tools/train.py
    trains on the clipped labels and the run's log says so (issue: labels past the end)."""
    import decord
    import shutil

    source, _ = tiny_set
    root = str(tmp_path / 'root')
    shutil.copytree(source, root)
    with open(osp.join(root, 'train.json')) as f:
        train = json.load(f)
    first = train[0]
    durations = []
    for key in sorted(k for k in first if k.startswith('video_url_')):
        reader = decord.VideoReader(osp.join(root, first[key]))
        durations.append(len(reader) / reader.get_avg_fps())
    first['tricks'][-1]['end'] = round(min(durations) + 3.0, 2)
    with open(osp.join(root, 'train.json'), 'w') as f:
        json.dump(train, f)

    work_dir = str(tmp_path / 'work')
    cfg = tiny_config('configs/teacher/teacher_multiasl_home1_av_f.py', root, work_dir, None)
    tool('train.py')([dump_config(cfg, str(tmp_path / 'cfg.py'))])
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    assert all(torch.isfinite(torch.tensor(train_losses(work_dir))))
    log = ''.join(open(p).read() for p in glob.glob(osp.join(work_dir, '*', '*.log')))
    assert f'1 trick(s) in 1 recording(s) of {osp.join(root, "train.json")}' in log
    assert 'clipped to the video' in log
