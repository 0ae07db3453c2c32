"""JpegFrames: a (V, T, H, W, 3) video kept as JPEGs, decoded only where indexed."""
import numpy as np
import pytest

from mmvicokd.datasets.caches import jpeg_frames
from mmvicokd.datasets.caches.jpeg_frames import JpegFrames, encode_jpeg_frames

V, T, SIDE = 2, 4, 16


def _video():
    """Frame (v, t) is flat grey 100 * v + 20 * t (flat blocks survive JPEG within 1 level)."""
    grey = 100 * np.arange(V)[:, None] + 20 * np.arange(T)[None, :]
    return np.broadcast_to(grey[:, :, None, None, None], (V, T, SIDE, SIDE, 3)).astype(np.uint8)


@pytest.fixture
def frames():
    data, offsets = encode_jpeg_frames(_video(), quality=90)
    return JpegFrames(data, offsets, (V, T, SIDE, SIDE, 3))


def test_encode_gives_one_jpeg_per_frame():
    data, offsets = encode_jpeg_frames(_video(), quality=90)
    assert data.dtype == np.uint8 and offsets.dtype == np.int64
    assert offsets.shape == (V * T + 1,) and offsets[0] == 0 and offsets[-1] == len(data)
    for start in offsets[:-1]:  # every file starts with the JPEG SOI marker FF D8
        assert data[start:start + 2].tolist() == [0xFF, 0xD8]


def test_indexing_decodes_the_frames_asked_for(frames):
    assert (frames.shape, frames.ndim, frames.dtype, len(frames)) == (
        (V, T, SIDE, SIDE, 3), 5, np.uint8, V)
    picked = frames[:, [3, 0, 3]]
    assert picked.dtype == np.uint8 and picked.shape == (V, 3, SIDE, SIDE, 3)
    np.testing.assert_allclose(picked, _video()[:, [3, 0, 3]], atol=1)
    assert frames[1, 2].shape == (SIDE, SIDE, 3)
    np.testing.assert_allclose(frames[1, 2], 140, atol=1)
    assert frames[:, :, :, 0:4].shape == (V, T, SIDE, 4, 3)
    np.testing.assert_allclose(np.asarray(frames), _video(), atol=1)


def test_take_keeps_views_encoded_and_repeats_decode_once(frames, monkeypatch):
    calls = []
    decode = jpeg_frames.decode_jpeg

    def counting(files, **kwargs):
        calls.append(len(files))
        return decode(files, **kwargs)

    monkeypatch.setattr(jpeg_frames, 'decode_jpeg', counting)
    view = frames.take([1], axis=0)
    assert isinstance(view, JpegFrames) and view.shape == (1, T, SIDE, SIDE, 3) and calls == []
    np.testing.assert_allclose(view[:, [2, 2, 2]], 140, atol=1)
    assert calls == [1]  # three times the same frame: one decode
    frames[:, [3, 0, 3]]
    assert calls == [1, 4]  # 2 views x 2 distinct frames


def test_offsets_that_do_not_fit_the_bytes_are_an_error():
    data, offsets = encode_jpeg_frames(_video(), quality=90)
    with pytest.raises(ValueError, match='do not index 8 frames'):
        JpegFrames(data[:len(data) // 2], offsets, (V, T, SIDE, SIDE, 3))
    with pytest.raises(ValueError, match='do not index 10 frames'):
        JpegFrames(data, offsets, (V, T + 1, SIDE, SIDE, 3))
