"""Per-view human visibility at the sampled frames (docs/design.md section 2, paper Eq. 9)."""
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import human_mask_at


@TRANSFORMS.register_module()
class LoadHumanMasks(BaseTransform):
    """Mask m (V, T) = person score >= ``threshold`` at ``frame_inds``.

    The scores must lie on the recording's grid: their length T_full' must equal T_full
    (``num_clip_frames``, set by :class:`MultiViewDecordInit` / :class:`LoadMultiViewCache`)
    within ``length_tolerance`` frames, else the mask file was made for another video or frame
    rate and the masks would silently point at the wrong moments. Indices past a shorter mask
    (within the tolerance) are clipped to its last column.

    Required keys: ``recording_id``, ``ann_file``, ``human_mask_scores`` (V, T_full'),
    ``frame_inds`` (T,); ``num_clip_frames`` and ``human_mask_file`` when present are checked
    against and named.

    Added keys: ``human_mask`` np.bool_ (V, T).

    Args:
        threshold (float): Visibility threshold on the mean person confidence.
            Defaults to 0.25.
        length_tolerance (int): Grid frames by which T_full' may differ from T_full.
            Defaults to 0 (``tools/extract_human_masks.py`` and the synthetic generator write
            exactly T_full).
    """

    def __init__(self, threshold: float = 0.25, length_tolerance: int = 0) -> None:
        self.threshold = threshold
        self.length_tolerance = length_tolerance

    def transform(self, results: dict) -> dict:
        where = f"recording {results['recording_id']} (annotation {results['ann_file']})"
        if 'human_mask_scores' not in results:
            raise ValueError(f'{where} has no human mask scores: set human_mask_file in the '
                             'dataset config')
        scores = results['human_mask_scores']
        t_full = results.get('num_clip_frames')
        if t_full is not None and abs(scores.shape[1] - t_full) > self.length_tolerance:
            raise ValueError(
                f"{where}: the human mask file {results.get('human_mask_file', '?')} has "
                f'{scores.shape[1]} frames for it, but the video has {t_full} frames on the '
                f"{results.get('fps', 2.5)}-FPS grid ({results.get('duration', float('nan')):.2f}"
                ' s, shortest view); re-extract the masks with tools/extract_human_masks.py '
                f'(or allow LoadHumanMasks(length_tolerance=...))')
        results['human_mask'] = human_mask_at(scores, results['frame_inds'], self.threshold)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(threshold={self.threshold}, '
                f'length_tolerance={self.length_tolerance})')
