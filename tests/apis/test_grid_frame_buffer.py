"""The frame buffer decodes forward in long runs and returns exactly the asked frames."""
import numpy as np
import pytest

from mmvicokd.apis.grid_frame_buffer import GridFrameBuffer


class CountingDecode:
    """Stands in for DecodeMultiViewVideo: frame i of view v is filled with 10 * v + i."""

    def __init__(self):
        self.calls = []

    def transform(self, results):
        inds = results['frame_inds']
        self.calls.append((int(inds[0]), int(inds[-1])))
        views = np.arange(2)[:, None] * 10 + inds[None]
        return dict(imgs=np.broadcast_to(views[..., None, None, None], (2, len(inds), 1, 1, 3)))


def test_buffer_decodes_each_frame_once_and_moves_forward():
    decode = CountingDecode()
    buffer = GridFrameBuffer(decode, dict(num_clip_frames=13), chunk=5)
    for inds in ([0, 1, 2, 3], [2, 2, 4, 6], [8, 9], [9, 10, 11, 12]):
        frames = buffer.frames(np.array(inds))
        assert frames.shape == (2, len(inds), 1, 1, 3)
        np.testing.assert_array_equal(frames[1, :, 0, 0, 0], np.array(inds) + 10)
    assert decode.calls == [(0, 4), (5, 9), (10, 12)]
    assert buffer.start == 9 and buffer.end == 13
    with pytest.raises(ValueError, match='outside the buffer'):
        buffer.frames(np.array([3]))
    with pytest.raises(ValueError, match='chunk must be >= 1'):
        GridFrameBuffer(decode, dict(num_clip_frames=3), chunk=0)


def test_buffer_skips_frames_no_window_needs():
    decode = CountingDecode()
    buffer = GridFrameBuffer(decode, dict(num_clip_frames=100), chunk=4)
    buffer.frames(np.array([0, 1]))
    frames = buffer.frames(np.array([50, 51]))
    np.testing.assert_array_equal(frames[0, :, 0, 0, 0], [50, 51])
    assert decode.calls == [(0, 3), (50, 53)]
