"""Frame labels at the sampled frames (docs/design.md section 2)."""
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from ..functional import frame_labels


@TRANSFORMS.register_module()
class LoadFrameLabels(BaseTransform):
    """Frame labels (T, C) at ``frame_inds`` from the recording's tricks.

    Full labels (T_full, C): ``[round(start*fps) : round(end*fps)+1, c] = 1``, clipped to
    T_full. The five streams of a recording are not cut to one length, so a trick may end past
    the shortest view (``duration``): it is clipped to the video, as the authors' code does, and
    the clip is logged once per recording and process. A trick that starts at or after the end of
    the video labels no frame of it: that is an annotation error naming the recording and file.
    (Negative times and start > end are rejected when the annotation file is read.)

    Required keys: ``recording_id``, ``ann_file``, ``filenames``, ``tricks``, ``num_classes``,
    ``fps``, ``duration``, ``num_clip_frames`` (T_full), ``frame_inds`` (T,).

    Added keys: ``frame_label`` np.float32 (T, C).
    """

    def __init__(self) -> None:
        self._logged = set()

    def transform(self, results: dict) -> dict:
        duration = results['duration']
        past = []
        for trick in results['tricks']:
            if trick['start'] >= duration:
                raise ValueError(
                    f"recording {results['recording_id']} (annotation {results['ann_file']}): "
                    f"trick [{trick['start']}, {trick['end']}] s lies outside the video "
                    f"({duration:.2f} s, the shortest of {results['filenames']})")
            if trick['end'] > duration:
                past.append(trick)
        rid = results['recording_id']
        if past and rid not in self._logged:
            self._logged.add(rid)
            worst = max(t['end'] for t in past) - duration
            print_log(
                f"recording {rid} (annotation {results['ann_file']}): {len(past)} trick(s) end "
                f"past the video ({duration:.2f} s, shortest view; up to {worst:.2f} s past); "
                'clipped to the video', logger='current')
        full = frame_labels(results['tricks'], results['num_clip_frames'],
                            results['num_classes'], results['fps'])
        results['frame_label'] = full[results['frame_inds']]
        return results
