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
with its own flag and finite loss terms
(:func:`test_two_ddp_steps_with_the_configs_flag`). The configs that set
True must raise with False (:func:`test_configs_that_set_true_need_it`), so the flag cannot
stay behind as a dead option, and a plain module shows that world size 1 does raise
(:func:`test_world_size_one_raises_on_an_unused_parameter`).

The models are the configs' own with ``e2e.shrink_model``'s tiny encoders, keeping what decides
which parameters train: ``frozen``, ``with_cp``, AST's ``dist_token`` and output projection.
The batch comes from the config's own train pipeline on the tiny synthetic set, one per
distinct (supervision, pipeline); the feature-cache configs get random cached features
(both: ``tests/helpers/config_models.py``).
"""
import copy
import json

import pytest
import torch
import torch.distributed as dist
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import build_optim_wrapper
from torch import nn

from ..helpers.config_models import (CONFIGS, Batches, build_tiny, data_key, parsed,
                                     tiny_model_cfg)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures('one_torch_thread')]

# Home-2 differs from Home-1 in its data only; the flagship is an alias of a vicokd config.
REPRESENTATIVES = [c for c in CONFIGS
                   if 'home2' not in c and c != 'configs/vicokd_multiasl_home1.py']
UNUSED_ERROR = 'parameters that were not used in producing loss'


def _flag(rel: str) -> bool:
    return bool(parsed(rel).get('find_unused_parameters', False))


def _signature(rel: str) -> str:
    """What decides which parameters train: the tiny model, the inputs, the flag."""
    model = tiny_model_cfg(rel)
    model.pop('teacher_ckpt', None)  # never read: the teacher's weights change no gradient
    return json.dumps([model, data_key(rel), _flag(rel)], sort_keys=True, default=str)


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
    """``get(rel)``: one train batch of ``rel``'s own pipeline, built once per pipeline; the
    feature-cache configs get random cached features."""
    return Batches(tiny_synthetic, str(tmp_path_factory.mktemp('ddp_work'))).get


def two_steps(model: nn.Module, batch: dict, find_unused: bool):
    """Two DDP training steps; returns (parameters without gradient in step 1, error or None,
    the log variables of step 1)."""
    ddp = MMDistributedDataParallel(module=model, device_ids=None, broadcast_buffers=False,
                                    find_unused_parameters=find_unused)
    optim_wrapper = build_optim_wrapper(ddp, dict(optimizer=dict(type='Adam', lr=1e-3)))
    ddp.train()
    trained = set()
    hooks = [p.register_hook(lambda grad, name=name: trained.add(name))
             for name, p in model.named_parameters() if p.requires_grad]
    logged = ddp.train_step(copy.deepcopy(batch), optim_wrapper)
    for hook in hooks:
        hook.remove()
    unused = [n for n, p in model.named_parameters() if p.requires_grad and n not in trained]
    try:
        ddp.train_step(batch, optim_wrapper)
    except RuntimeError as err:
        if UNUSED_ERROR not in str(err):
            raise
        return unused, err, logged
    return unused, None, logged


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
    """Also: every logged loss term of the first step is finite (the configs' losses train)."""
    unused, err, logged = two_steps(build_tiny(rel), batches(rel), _flag(rel))
    assert err is None and (unused == [] or _flag(rel)), (
        f'{rel}: parameters without gradient {unused}; set find_unused_parameters = True in '
        'the config with a comment saying why')
    assert 'loss' in logged
    assert all(torch.isfinite(torch.as_tensor(v)).all() for v in logged.values()), logged


def test_configs_that_set_true_need_it(process_group, batches):
    flagged = [rel for rel in REPRESENTATIVES if _flag(rel)]
    for rel in flagged:
        unused, err, _ = two_steps(build_tiny(rel), batches(rel), find_unused=False)
        assert unused and err is not None, (
            f'{rel}: find_unused_parameters = True but every parameter got a gradient; '
            'drop the setting')
