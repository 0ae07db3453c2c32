"""Section 1: decoding the sampled frames of one view, ours vs naive readers."""
import cv2
import decord
import numpy as np

from ...datasets.transforms import DecodeMultiViewVideo, MultiViewDecordInit
from .measure import ratio_rows, time_interleaved
from .recording import RESIZE, grid_indices, one_view_results


def _resize_square(frames: np.ndarray, size: int) -> np.ndarray:
    return np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_LINEAR)
                     for f in frames])


def bench_video(path: str, clip_len: int, repeats: int) -> dict:
    """Decode T = ``clip_len`` sampled frames of one view four ways (all single-threaded),
    each resized to ``RESIZE`` squares as ours.

    Each path's output is first compared with ours (shape, mean absolute difference); that run
    is also its warm-up.
    """
    grid, native = grid_indices(path, clip_len)
    init, decode = MultiViewDecordInit(), DecodeMultiViewVideo(resize=RESIZE)

    def ours():
        results = init(one_view_results(path))
        results['frame_inds'] = grid
        return decode(results)['imgs'][0]

    def decord_per_frame():
        reader = decord.VideoReader(path, num_threads=1)
        return _resize_square(np.stack([reader[int(i)].asnumpy() for i in native]), RESIZE)

    def opencv_seek():
        cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
        frames = []
        for i in native:
            cap.set(cv2.CAP_PROP_POS_FRAMES, int(i))
            ok, frame = cap.read()
            if not ok:
                raise RuntimeError(f'OpenCV cannot read frame {i} of {path}')
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        cap.release()
        return _resize_square(np.stack(frames), RESIZE)

    def decode_all_then_index():
        reader = decord.VideoReader(path, num_threads=1)
        every_frame = reader.get_batch(np.arange(len(reader))).asnumpy()
        return _resize_square(every_frame[native], RESIZE)

    cases = {'ours: DecordInit + DecodeMultiViewVideo (one get_batch)': ours,
             'decord vr[i] per frame': decord_per_frame,
             'OpenCV seek per frame (CAP_PROP_POS_FRAMES)': opencv_seek,
             'decord: decode every frame, then index': decode_all_then_index}
    reference = next(iter(cases))
    expected = ours()
    diffs = {}
    for name, fn in cases.items():
        frames = fn()
        if frames.shape != expected.shape:
            raise RuntimeError(f'{name} returned frames {frames.shape}, ours {expected.shape}')
        diffs[name] = float(np.abs(frames.astype(np.float32) - expected).mean())
    rows = ratio_rows(time_interleaved(cases, repeats), reference)
    for row in rows:
        row['mean_abs_diff_vs_ours'] = diffs[row['name']]
    return dict(frames=clip_len, native_frames_read=native.tolist(), rows=rows)
