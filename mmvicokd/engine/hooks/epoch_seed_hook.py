"""Reseed every generator at each training epoch, so that a resumed run repeats an uninterrupted
one exactly (same samples, same frames, same dropout masks)."""
import random

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop


def _datasets(dataset):
    """``dataset`` and every dataset it wraps (``ConcatDataset``, ``RepeatDataset``, ...)."""
    yield dataset
    for inner in getattr(dataset, 'datasets', ()):
        yield from _datasets(inner)
    if getattr(dataset, 'dataset', None) is not None:
        yield from _datasets(dataset.dataset)


def epoch_seed(seed: int, epoch: int, rank: int = 0) -> int:
    """A 32-bit seed drawn from ``(seed, epoch, rank)`` (numpy ``SeedSequence``)."""
    return int(np.random.SeedSequence([int(seed), int(epoch), int(rank)]).generate_state(1)[0])


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Seed Python's, numpy's and torch's generators from ``(seed, epoch)`` before each epoch.

    MMEngine seeds once when the Runner is built and keeps no generator state in checkpoints,
    so after ``--resume`` every generator restarts from the seed while an uninterrupted run has
    drawn from it for k epochs: dropout masks and random frame offsets then differ. With this
    hook the state at the start of epoch k depends on the seed and k only. It also hands
    ``(seed, epoch)`` to every dataset with ``set_sampling_seed`` (the
    :class:`~mmvicokd.datasets.MultiSensorHomeDataset`), whose random frame sampling then
    depends on ``(seed, epoch, sample index)`` only: the same in DataLoader workers (persistent
    or not), in any number of processes, and after a resume.

    ``randomness.diff_rank_seed=True`` adds the rank to the seed, as MMEngine does. Only
    epoch-based training loops are reseeded (iteration-based loops have no epochs).
    ``tools/train.py`` adds this hook to every config.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._told = False

    def before_train_epoch(self, runner) -> None:
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            return
        randomness = runner.cfg.get('randomness', None) or {}
        rank = get_rank() if randomness.get('diff_rank_seed', False) else 0
        seed = epoch_seed(runner.seed, runner.epoch, rank)
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        seeded = [d for d in _datasets(runner.train_dataloader.dataset)
                  if hasattr(d, 'set_sampling_seed')]
        for dataset in seeded:
            dataset.set_sampling_seed(runner.seed, runner.epoch)
        if not seeded and not self._told:
            self._told = True
            print_log('EpochSeedHook: the training set has no set_sampling_seed; its random '
                      'transforms draw from the reseeded global generators', logger='current')
