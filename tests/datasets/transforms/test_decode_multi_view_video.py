import numpy as np

from mmvicokd.datasets.transforms import (DecodeMultiViewVideo, MultiViewDecordInit,
                                          SampleMultiViewFrames)

from ..fixtures import GREY_STEP, VIEW_COLOURS


def _decode(info, clip_len=8, resize=32):
    results = MultiViewDecordInit()(info)
    results = SampleMultiViewFrames(clip_len=clip_len, test_mode=True)(results)
    return DecodeMultiViewVideo(resize=resize)(results)


def test_decodes_each_view_at_the_sampled_frames(data_info):
    out = _decode(data_info(0))
    imgs = out['imgs']
    assert imgs.shape == (3, 8, 32, 32, 3) and imgs.dtype == np.uint8
    assert out['img_shape'] == (32, 32)
    assert 'video_readers' not in out
    # left half: the view's own colour (away from the seam, which resizing blends)
    for v in range(3):
        colour = imgs[v, :, :, 2:14].reshape(-1, 3).mean(0)
        np.testing.assert_allclose(colour, VIEW_COLOURS[v], atol=6)
    # right half: grey = GREY_STEP * native frame index; grid frame i is native frame 4i
    frame_inds = out['frame_inds']
    decoded = np.round(imgs[:, :, :, 20:30].reshape(3, 8, -1).mean(-1) / GREY_STEP)
    np.testing.assert_array_equal(decoded, np.broadcast_to(4 * frame_inds, (3, 8)))


def test_resize_is_square_output_side(data_info):
    assert _decode(data_info(0), clip_len=3, resize=40)['imgs'].shape == (3, 3, 40, 40, 3)


def test_repr():
    assert repr(DecodeMultiViewVideo(resize=112)) == 'DecodeMultiViewVideo(resize=112)'
