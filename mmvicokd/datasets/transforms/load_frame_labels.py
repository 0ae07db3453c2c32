"""Frame labels at the sampled frames (DESIGN.md section 2)."""
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import frame_labels


@TRANSFORMS.register_module()
class LoadFrameLabels(BaseTransform):
    """Frame labels (T, C) at ``frame_inds`` from the recording's tricks.

    Full labels (T_full, C): ``[round(start*fps) : round(end*fps)+1, c] = 1``, clipped to
    T_full. A trick starting after the video ends, or ending more than ``tolerance`` seconds
    after it, is an annotation error.

    Required keys: ``recording_id``, ``ann_file``, ``filenames``, ``tricks``, ``num_classes``,
    ``fps``, ``duration``, ``num_clip_frames`` (T_full), ``frame_inds`` (T,).

    Added keys: ``frame_label`` np.float32 (T, C).

    Args:
        tolerance (float): Seconds a trick may end past the video's duration. Defaults to 1.0.
    """

    def __init__(self, tolerance: float = 1.0) -> None:
        self.tolerance = tolerance

    def transform(self, results: dict) -> dict:
        duration = results['duration']
        for trick in results['tricks']:
            if trick['start'] > duration or trick['end'] > duration + self.tolerance:
                raise ValueError(
                    f"recording {results['recording_id']} (annotation {results['ann_file']}): "
                    f"trick [{trick['start']}, {trick['end']}] s lies outside the video "
                    f"({duration:.2f} s, tolerance {self.tolerance} s; shortest of "
                    f"{results['filenames']})")
        full = frame_labels(results['tricks'], results['num_clip_frames'],
                            results['num_classes'], results['fps'])
        results['frame_label'] = full[results['frame_inds']]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(tolerance={self.tolerance})'
