"""One set of frame times for every view, audio track, label and mask (docs/design.md section 3)."""
import logging

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from ..functional import sample_frame_indices


@TRANSFORMS.register_module()
class SampleMultiViewFrames(BaseTransform):
    """Sample T = ``clip_len`` frames on the ``fps`` grid, shared by all views and modalities.

    The grid ``0..T_full-1`` is cut into T equal segments: test mode takes each segment's
    centre (deterministic), train mode a uniform random point inside each segment. The random
    points come from ``numpy.random.default_rng(sampling_seed)`` when the data info carries
    ``sampling_seed = [seed, epoch, index]`` (set by :class:`MultiSensorHomeDataset` once
    ``SampleSeedHook`` seeded it: reproducible across DataLoader workers, processes and resumed
    runs), else from numpy's global generator.

    A recording shorter than the clip (T_full < T) is not an error: grid frames repeat, as in
    mmaction's samplers, and a warning naming the recording is logged once per process.

    Required keys: ``recording_id``, ``ann_file``, ``num_clip_frames`` (T_full), ``fps``;
    optional ``sampling_seed`` (3 ints).

    Added keys: ``frame_inds`` np.int64 (T,), ``clip_len`` int T.

    Args:
        clip_len (int): T. Defaults to 70.
        fps (float): Grid frame rate; must equal the data info's ``fps``. Defaults to 2.5.
        test_mode (bool): Deterministic centres instead of random points. Defaults to False.
    """

    def __init__(self, clip_len: int = 70, fps: float = 2.5, test_mode: bool = False) -> None:
        if clip_len < 1:
            raise ValueError(f'clip_len must be >= 1, got {clip_len}')
        self.clip_len = clip_len
        self.fps = float(fps)
        self.test_mode = test_mode
        self._warned_short = set()

    def _warn_short(self, results: dict) -> None:
        rid = results['recording_id']
        if rid in self._warned_short:
            return
        self._warned_short.add(rid)
        print_log(
            f"recording {rid} (annotation {results['ann_file']}) has "
            f"{results['num_clip_frames']} frames on the {self.fps}-FPS grid "
            f"({results.get('duration', float('nan')):.2f} s), fewer than clip_len "
            f'{self.clip_len}: frames are repeated to fill the clip', logger='current',
            level=logging.WARNING)

    def transform(self, results: dict) -> dict:
        if results['fps'] != self.fps:
            raise ValueError(
                f"recording {results['recording_id']} (annotation {results['ann_file']}): the "
                f"dataset's fps {results['fps']} differs from SampleMultiViewFrames fps "
                f'{self.fps}; set both to the same value')
        if results['num_clip_frames'] < self.clip_len:
            self._warn_short(results)
        rng = None
        if not self.test_mode and results.get('sampling_seed') is not None:
            rng = np.random.default_rng([int(v) for v in results['sampling_seed']])
        results['frame_inds'] = sample_frame_indices(
            results['num_clip_frames'], self.clip_len, self.test_mode, rng)
        results['clip_len'] = self.clip_len
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, fps={self.fps}, '
                f'test_mode={self.test_mode})')
