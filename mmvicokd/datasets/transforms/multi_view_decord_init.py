"""Open every view of a recording once with decord (docs/design.md sections 3 and 8)."""
import os.path as osp

import decord
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import multi_view_timing


@TRANSFORMS.register_module()
class MultiViewDecordInit(BaseTransform):
    """Open each view's mp4 once and read the timing all later transforms share.

    Required keys: ``recording_id``, ``ann_file``, ``filenames`` (V paths), ``fps``.

    Added keys:
        - ``video_readers``: list of V ``decord.VideoReader``.
        - ``total_frames``: int, fewest native frames over the views.
        - ``avg_fps``: list of V floats, each view's native frame rate.
        - ``duration``: float seconds, shortest view.
        - ``num_clip_frames``: int T_full = max(1, floor(duration * fps)), the 2.5-FPS grid.

    Args:
        io_backend (str): Only ``'disk'``: decord reads the files by path.
        num_threads (int): Decoder threads per reader. Defaults to 1 (data loader workers
            already run in parallel).
    """

    def __init__(self, io_backend: str = 'disk', num_threads: int = 1) -> None:
        if io_backend != 'disk':
            raise ValueError(f"MultiViewDecordInit reads files by path: io_backend must be "
                             f"'disk', got {io_backend!r}")
        self.io_backend = io_backend
        self.num_threads = num_threads

    def _open(self, results: dict, filename: str) -> decord.VideoReader:
        where = f"recording {results['recording_id']} (annotation {results['ann_file']})"
        if not osp.isfile(filename):
            raise FileNotFoundError(f'{where}: view file {filename} does not exist')
        try:
            reader = decord.VideoReader(filename, num_threads=self.num_threads)
        except Exception as exc:  # decord raises its own DECORDError
            raise RuntimeError(f'{where}: decord cannot read view file {filename}: {exc}') \
                from exc
        if len(reader) < 1:
            raise RuntimeError(f'{where}: view file {filename} has no video frames')
        fps = reader.get_avg_fps()
        if not fps > 0:
            raise RuntimeError(f'{where}: view file {filename} reports a frame rate of {fps}, '
                               'so its frames cannot be placed in time')
        return reader

    def transform(self, results: dict) -> dict:
        readers = [self._open(results, f) for f in results['filenames']]
        results['video_readers'] = readers
        results.update(multi_view_timing([len(r) for r in readers],
                                         [r.get_avg_fps() for r in readers], results['fps']))
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(io_backend={self.io_backend!r}, '
                f'num_threads={self.num_threads})')
