"""``find_unused_parameters`` is set exactly where a training step leaves a parameter unused.

DDP built with ``find_unused_parameters=False`` raises at the start of the second step when a
trainable parameter received no gradient in the first ("Expected to have finished reduction in
the prior iteration ..."); with ``True`` it traverses the autograd graph after every forward to
find such parameters, a cost everyone else should not pay. ``default_runtime.py`` sets False,
and the configs whose model leaves a parameter without gradient set True.

Every config under ``configs/`` is covered: the Home-2 configs and the flagship alias
``configs/vicokd_multiasl_home1.py`` must build the same model, read the same inputs and set
the same flag as a representative (a Home-1 or demo config, one per distinct combination;
:func:`test_representatives_cover_every_config` checks it), and each representative trains
two steps under real DDP (MMEngine's ``MMDistributedDataParallel``, gloo, world size 1, CPU)
with its own flag (:func:`test_two_ddp_steps_with_the_configs_flag`). The configs that set
True must raise with False (:func:`test_configs_that_set_true_need_it`), so the flag cannot
stay behind as a dead option, and a plain module shows that world size 1 does raise
(:func:`test_world_size_one_raises_on_an_unused_parameter`).

The models are the configs' own with ``e2e.shrink_model``'s tiny encoders, keeping what decides
which parameters train: ``frozen``, ``with_cp``, AST's ``dist_token`` and output projection.
The batch comes from the config's own train pipeline on the tiny synthetic set, one per
distinct (supervision, pipeline); the feature-cache configs get random cached features.
"""
import copy
import functools
import glob
import json
import os.path as osp

import pytest
import torch
import torch.distributed as dist
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from torch import nn

from ..helpers.e2e import DIM, REPO, shrink_model, tiny_config

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures('one_torch_thread')]

CONFIGS = sorted(osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                                        recursive=True) if '_base_' not in p)
# Home-2 differs from Home-1 in its data only; the flagship is an alias of a vicokd config.
REPRESENTATIVES = [c for c in CONFIGS
                   if 'home2' not in c and c != 'configs/vicokd_multiasl_home1.py']
UNUSED_ERROR = 'parameters that were not used in producing loss'
ENCODER_FLAGS = ('frozen', 'with_cp', 'dist_token')


@functools.lru_cache(maxsize=None)
def _parsed(path: str) -> Config:
    return Config.fromfile(path if osp.isabs(path) else osp.join(REPO, path))


def _flag(rel: str) -> bool:
    return bool(_parsed(rel).get('find_unused_parameters', False))


def _data_key(rel: str) -> str:
    dataset = _parsed(rel).train_dataloader.dataset
    return json.dumps([dataset.get('supervision', 'frame'), [s['type'] for s in dataset.pipeline]])


def _model_cfg(rel: str) -> dict:
    """The config's model, a distiller's teacher config file read in."""
    model = copy.deepcopy(_parsed(rel).model.to_dict())
    if model['type'] == 'ViCoKDDistiller' and isinstance(model['teacher'], str):
        model['teacher'] = _parsed(model['teacher']).model.to_dict()
    return model


def _tiny_recognizer(tiny: dict, full: dict) -> None:
    """Give ``shrink_model``'s tiny encoders the configured ones' flags (in place)."""
    for key in ('visual_encoder', 'audio_encoder'):
        if full.get(key) is not None:
            tiny[key].update({k: full[key][k] for k in ENCODER_FLAGS if k in full[key]})
    if full.get('audio_encoder') is not None and full['audio_encoder'].get('out_dim'):
        tiny['audio_encoder']['out_dim'] = DIM  # keep the projection layer


def _tiny_model_cfg(rel: str) -> dict:
    full = _model_cfg(rel)
    tiny = shrink_model(copy.deepcopy(full))
    if full['type'] == 'ViCoKDDistiller':
        _tiny_recognizer(tiny['student'], full['student'])
        _tiny_recognizer(tiny['teacher'], full['teacher'])
    else:
        _tiny_recognizer(tiny, full)
    return tiny


def _signature(rel: str) -> str:
    """What decides which parameters train: the tiny model, the inputs, the flag."""
    model = _tiny_model_cfg(rel)
    model.pop('teacher_ckpt', None)  # never read: the teacher's weights change no gradient
    return json.dumps([model, _data_key(rel), _flag(rel)], sort_keys=True, default=str)


@pytest.fixture(scope='module')
def process_group(tmp_path_factory):
    """A gloo process group of world size 1 in this process (unless one exists)."""
    created = not dist.is_initialized()
    if created:
        store = tmp_path_factory.mktemp('ddp') / 'store'
        dist.init_process_group('gloo', init_method=f'file://{store}', rank=0, world_size=1)
    yield
    if created:
        dist.destroy_process_group()


@pytest.fixture(scope='module')
def batches(tiny_synthetic, tmp_path_factory):
    """``get(rel)``: one train batch of ``rel``'s own pipeline, built once per pipeline."""
    root, cache = tiny_synthetic
    work_dir = str(tmp_path_factory.mktemp('ddp_work'))
    built = {}

    def get(rel: str) -> dict:
        key = _data_key(rel)
        if key not in built:
            features = 'MultiViewFeatureInit' in key
            # the feature cache is not built here: labels and masks of its decoding config
            source = 'configs/teacher/teacher_multiasl_home1_av_f.py' if features else rel
            cfg = tiny_config(source, root, work_dir, cache)
            with DefaultScope.overwrite_default_scope('mmaction'):
                batch = next(iter(Runner.build_dataloader(cfg.train_dataloader)))
            if features:  # what tools/extract_features.py caches: (V, T, D) per encoder
                video = batch['inputs']['video']
                shape = (*video[0].shape[:2], DIM)
                batch['inputs'] = dict(visual_feat=[torch.randn(shape) for _ in video],
                                       audio_feat=[torch.randn(shape) for _ in video])
            built[key] = batch
        return copy.deepcopy(built[key])

    return get


def two_steps(model: nn.Module, batch: dict, find_unused: bool):
    """Two DDP training steps; returns (parameters without gradient in step 1, error or None)."""
    ddp = MMDistributedDataParallel(module=model, device_ids=None, broadcast_buffers=False,
                                    find_unused_parameters=find_unused)
    optim_wrapper = build_optim_wrapper(ddp, dict(optimizer=dict(type='Adam', lr=1e-3)))
    ddp.train()
    trained = set()
    hooks = [p.register_hook(lambda grad, name=name: trained.add(name))
             for name, p in model.named_parameters() if p.requires_grad]
    ddp.train_step(copy.deepcopy(batch), optim_wrapper)
    for hook in hooks:
        hook.remove()
    unused = [n for n, p in model.named_parameters() if p.requires_grad and n not in trained]
    try:
        ddp.train_step(batch, optim_wrapper)
    except RuntimeError as err:
        if UNUSED_ERROR not in str(err):
            raise
        return unused, err
    return unused, None


def _build(rel: str) -> nn.Module:
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(_tiny_model_cfg(rel))


class _OneUnused(nn.Module):
    def __init__(self):
        super().__init__()
        self.used, self.unused = nn.Linear(2, 1), nn.Linear(2, 1)

    def forward(self, x):
        return self.used(x)


def test_world_size_one_raises_on_an_unused_parameter(process_group):
    def run(find_unused):
        ddp = MMDistributedDataParallel(module=_OneUnused(), device_ids=None,
                                        find_unused_parameters=find_unused)
        optim_wrapper = build_optim_wrapper(ddp, dict(optimizer=dict(type='SGD', lr=0.1)))
        for _ in range(2):
            optim_wrapper.update_params(ddp(torch.ones(3, 2)).sum())

    with pytest.raises(RuntimeError, match=UNUSED_ERROR):
        run(False)
    run(True)


def test_representatives_cover_every_config():
    known = {_signature(rel) for rel in REPRESENTATIVES}
    uncovered = [rel for rel in CONFIGS if _signature(rel) not in known]
    assert uncovered == [], (f'{uncovered}: model, inputs or find_unused_parameters differ '
                             'from every representative; make them agree or add one')


@pytest.mark.parametrize('rel', REPRESENTATIVES)
def test_two_ddp_steps_with_the_configs_flag(rel, process_group, batches):
    unused, err = two_steps(_build(rel), batches(rel), _flag(rel))
    assert err is None and (unused == [] or _flag(rel)), (
        f'{rel}: parameters without gradient {unused}; set find_unused_parameters = True in '
        'the config with a comment saying why')


def test_configs_that_set_true_need_it(process_group, batches):
    flagged = [rel for rel in REPRESENTATIVES if _flag(rel)]
    for rel in flagged:
        unused, err = two_steps(_build(rel), batches(rel), find_unused=False)
        assert unused and err is not None, (
            f'{rel}: find_unused_parameters = True but every parameter got a gradient; '
            'drop the setting')
