"""Decode the sampled frames of every view, one ``get_batch`` per view (docs/design.md section 8)."""
import cv2
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import video_frame_indices


@TRANSFORMS.register_module()
class DecodeMultiViewVideo(BaseTransform):
    """Read the frames at ``frame_inds`` from each view's open reader and resize them square.

    Native frame of grid frame i: min(round(i / fps * avg_fps), total_frames - 1). Each view is
    read with a single ``get_batch`` call; frames are then resized to ``resize`` x ``resize``
    (bilinear). The readers stay as opened by :class:`MultiViewDecordInit`, at native size:
    decord can only resize when a reader is opened, and resizing inside decord measured no
    faster here than decoding at 320x240 and resizing afterwards (the H.264 decoding dominates).

    After :class:`LoadMultiViewCache` (instead of :class:`MultiViewDecordInit`) the frames come
    from the cache: ``imgs = cached_imgs[:, frame_inds]``, the same pixels, since the cache holds
    this transform's own output at every grid frame (a ``jpeg``-format cache decodes just these
    frames here, and gives them within JPEG's loss).

    Required keys: ``video_readers``, ``filenames``, ``frame_inds`` (T,), ``fps``, ``avg_fps``
    (V,); or, from
    the cache, ``recording_id``, ``ann_file``, ``frame_inds``, ``cached_imgs`` (V, T_cache, H,
    W, 3) and ``frame_cache``.

    Added keys: ``imgs`` np.uint8 (V, T, resize, resize, 3) RGB, ``img_shape`` (H, W).

    Deleted keys: ``video_readers`` or ``cached_imgs``.

    Args:
        resize (int): Output side in pixels (square frames). Defaults to 224.
    """

    def __init__(self, resize: int = 224) -> None:
        if resize < 1:
            raise ValueError(f'resize must be >= 1, got {resize}')
        self.resize = resize

    def _resize(self, frames: np.ndarray) -> np.ndarray:
        if frames.shape[1:3] == (self.resize, self.resize):
            return frames
        size = (self.resize, self.resize)
        return np.stack([cv2.resize(f, size, interpolation=cv2.INTER_LINEAR) for f in frames])

    def _decode(self, results: dict) -> np.ndarray:
        views = []
        for reader, avg_fps, filename in zip(results['video_readers'], results['avg_fps'],
                                             results['filenames']):
            inds = video_frame_indices(results['frame_inds'], results['fps'], avg_fps,
                                       len(reader))
            try:
                frames = reader.get_batch(inds).asnumpy()
            except Exception as exc:  # decord raises its own DECORDError
                raise RuntimeError(
                    f"recording {results['recording_id']} (annotation {results['ann_file']}): "
                    f'decord cannot decode native frames {inds.tolist()} of view file '
                    f'{filename} (truncated or corrupt?): {exc}') from exc
            views.append(self._resize(frames))
        del results['video_readers']
        return np.stack(views)

    def _from_cache(self, results: dict) -> np.ndarray:
        cache = results['frame_cache']
        if cache['resize'] != self.resize:
            raise ValueError(
                f"recording {results['recording_id']} (annotation {results['ann_file']}): the "
                f"frame cache {cache['file']} holds frames resized to {cache['resize']} "
                f"(built by `{cache['command']}`), but DecodeMultiViewVideo asks for "
                f'{self.resize}; build a cache with --resize {self.resize} into another --out '
                "folder and point LoadMultiViewCache's cache_dir at it")
        return results.pop('cached_imgs')[:, results['frame_inds']]

    def transform(self, results: dict) -> dict:
        if 'cached_imgs' in results:
            results['imgs'] = self._from_cache(results)
        else:
            results['imgs'] = self._decode(results)
        results['img_shape'] = (self.resize, self.resize)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(resize={self.resize})'
