"""One set of frame times for every view, audio track, label and mask (DESIGN.md section 3)."""
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import sample_frame_indices


@TRANSFORMS.register_module()
class SampleMultiViewFrames(BaseTransform):
    """Sample T = ``clip_len`` frames on the ``fps`` grid, shared by all views and modalities.

    The grid ``0..T_full-1`` is cut into T equal segments: test mode takes each segment's
    centre (deterministic), train mode a uniform random point inside each segment.

    Required keys: ``recording_id``, ``ann_file``, ``num_clip_frames`` (T_full), ``fps``.

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

    def transform(self, results: dict) -> dict:
        if results['fps'] != self.fps:
            raise ValueError(
                f"recording {results['recording_id']} (annotation {results['ann_file']}): the "
                f"dataset's fps {results['fps']} differs from SampleMultiViewFrames fps "
                f'{self.fps}; set both to the same value')
        results['frame_inds'] = sample_frame_indices(
            results['num_clip_frames'], self.clip_len, self.test_mode)
        results['clip_len'] = self.clip_len
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, fps={self.fps}, '
                f'test_mode={self.test_mode})')
