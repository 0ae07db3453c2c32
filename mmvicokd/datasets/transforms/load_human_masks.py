"""Per-view human visibility at the sampled frames (DESIGN.md section 2, paper Eq. 9)."""
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import human_mask_at


@TRANSFORMS.register_module()
class LoadHumanMasks(BaseTransform):
    """Mask m (V, T) = person score >= ``threshold`` at ``frame_inds`` (indices clipped).

    Required keys: ``recording_id``, ``ann_file``, ``human_mask_scores`` (V, T_full'),
    ``frame_inds`` (T,).

    Added keys: ``human_mask`` np.bool_ (V, T).

    Args:
        threshold (float): Visibility threshold on the mean person confidence.
            Defaults to 0.25.
    """

    def __init__(self, threshold: float = 0.25) -> None:
        self.threshold = threshold

    def transform(self, results: dict) -> dict:
        if 'human_mask_scores' not in results:
            raise ValueError(
                f"recording {results['recording_id']} (annotation {results['ann_file']}) has no "
                'human mask scores: set human_mask_file in the dataset config')
        results['human_mask'] = human_mask_at(results['human_mask_scores'],
                                              results['frame_inds'], self.threshold)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(threshold={self.threshold})'
