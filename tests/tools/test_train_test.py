"""End to end: tools/train.py → tools/test.py on tiny settings on CPU: a student (whose test
reproduces its validation) and a distiller of the other backbones under sequence-level
supervision, the flagship distiller whose extracted student tests like it, and a teacher
trained on a recording whose labels run past its video.

The configs share this path (tools, Runner, loops, hooks, checkpoints); what differs between
them, the model, its losses and its predictions, is stepped for every config in
tests/tools/test_ddp_unused_parameters.py (two training steps, finite losses) and
tests/configs/test_config_predictions.py (a test step scored by the config's evaluator).

Also the distributed path: tools/dist_train.sh with 2 CPU processes (gloo) trains, and
tools/dist_test.sh of one checkpoint with 2 processes gives exactly tools/test.py's mAP with 1,
on a test set of 3 recordings (so the sampler pads one rank, and that padding must not count:
the dumped predictions hold each recording once); and the 2-process training equals a 1-process
one at the same total batch (weights within 1e-5, same test mAP).
"""
import glob
import json
import os.path as osp
import pickle
import runpy

import pytest
import torch
from mmengine.config import Config

from mmvicokd.datasets.functional import recording_id_from_url

from ..helpers.dist_runs import EPOCHS, one_node_run
from ..helpers.e2e import REPO, dump_config, save_random_teacher, tiny_config
from ..helpers.launch import finish, free_port, start_script

# One pytest-xdist worker runs both files: they share the 2-process run of dist_runs.py.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('dist_run')]

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


def test_recognizer_train_then_test_reproduces_validation_map(tiny_set, tmp_path):
    """A student of another backbone (MultiTrans) under sequence-level supervision: tools/test.py
    of its checkpoint gives the mAP its validation logged, and ``--dump`` writes the
    predictions of every test recording."""
    dump = tmp_path / 'predictions.pkl'
    _, _, work_dir, metrics = train_then_test(
        'configs/student/student_multitrans_home1_v_s.py', tiny_set, tmp_path,
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


def _distiller_run(rel, tiny_set, tmp_path):
    root, cache = tiny_set
    probe = tiny_config(rel, root, str(tmp_path / 'probe'), cache)
    teacher_ckpt = save_random_teacher(probe, str(tmp_path / 'teacher.pth'))
    _, ckpt, work_dir, metrics = train_then_test(rel, tiny_set, tmp_path,
                                                 teacher_ckpt=teacher_ckpt)
    assert set(METRICS) <= set(metrics)
    losses = train_losses(work_dir)
    assert losses and all(torch.isfinite(torch.tensor(losses)))
    return ckpt, metrics


def test_distiller_family_trains_and_tests(tiny_set, tmp_path):
    """CoKD with a MultiTSF student and sequence-level supervision (a Home-2 config)."""
    _distiller_run('configs/cokd/cokd_multitsf_home2_v_s.py', tiny_set, tmp_path)


def test_extracted_student_tests_like_the_distiller(tiny_set, tmp_path):
    """The flagship config (ViCoKD, MultiASL, V_F): trains and tests, and its extracted student
    tests alike as a plain recognizer."""
    root, cache = tiny_set
    ckpt, metrics = _distiller_run('configs/vicokd_multiasl_home1.py', tiny_set, tmp_path)
    student_ckpt = str(tmp_path / 'student.pth')
    tool('extract_student.py')([ckpt, student_ckpt])
    student_cfg = tiny_config('configs/student/student_multiasl_home1_v_f.py', root,
                              str(tmp_path / 'student_work'), cache)
    student_path = dump_config(student_cfg, str(tmp_path / 'student_cfg.py'))
    student_metrics = tool('test.py')([student_path, student_ckpt, '--work-dir',
                                       str(tmp_path / 'student_test')])
    for key in METRICS:
        assert student_metrics[key] == metrics[key]


def test_dist_train_and_dist_test_match_single_process(tiny_set, tmp_path_factory, tmp_path):
    """The 2-process training of tests/helpers/dist_runs.py (``dist_train.sh CFG 2``, 4 epochs,
    tested on test3.json), against dist_test.sh and against a 1-process training."""
    root, _ = tiny_set
    run = one_node_run(tiny_set, tmp_path_factory)
    losses = train_losses(run['work_dir'])
    assert len(losses) == 2 * EPOCHS  # 4 training recordings, 1 per process a step
    assert losses[-1] < losses[0], losses
    ckpt, single = run['ckpt'], run['single']
    dump = str(tmp_path / 'dist_predictions.pkl')
    finish(start_script(REPO, 'dist_test.sh', [run['config'], ckpt, 2, '--work-dir',
                                               tmp_path / 'dist', '--dump', dump],
                        PORT=str(free_port())))
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
    cfg = Config.fromfile(run['config'])
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
    one_ckpt = osp.join(cfg.work_dir, f'epoch_{EPOCHS}.pth')
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
