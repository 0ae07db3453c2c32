"""The recognizer's ``view_frame_loss`` option: the per-view frame loss on the visible pairs."""
import pytest
import torch

from .test_multiview_av_recognizer import build, make_batch

pytestmark = pytest.mark.usefixtures('one_torch_thread')
VIEW_FRAME_LOSS = dict(type='ViewFrameLoss', loss_weight=0.5)


def _losses(model, batch):
    data = model.data_preprocessor(batch, True)
    return model(**data, mode='loss'), data


@pytest.mark.parametrize('variant', ['teacher', 'student_VF'])
def test_adds_one_term_and_changes_nothing_else(variant):
    off = build('MultiASL', variant)
    on = build('MultiASL', variant, view_frame_loss=VIEW_FRAME_LOSS)
    assert off.view_frame_loss is None
    # same parameters: a checkpoint of one loads into the other
    assert off.state_dict().keys() == on.state_dict().keys()
    for name, value in off.state_dict().items():
        assert torch.equal(value, on.state_dict()[name]), name
    losses_off, _ = _losses(off, make_batch())
    losses_on, data = _losses(on, make_batch())
    assert set(losses_on) == set(losses_off) | {'loss_view_frame'}
    for name, value in losses_off.items():
        torch.testing.assert_close(losses_on[name], value, msg=name)
    expected = on.view_frame_loss(
        on(data['inputs'])['view_frame_logits'],
        torch.stack([s.frame_label for s in data['data_samples']]),
        torch.stack([s.human_mask for s in data['data_samples']]))
    torch.testing.assert_close(losses_on['loss_view_frame'], expected)
    assert expected.item() > 0
    # the fused outputs and test-time predictions do not depend on the option
    off.eval(), on.eval()
    with torch.no_grad():
        for a, b in zip(off.val_step(make_batch()), on.val_step(make_batch())):
            torch.testing.assert_close(a.pred_score, b.pred_score)
            torch.testing.assert_close(a.pred_frame_score, b.pred_frame_score)


def test_left_out_under_sequence_supervision():
    model = build('MultiASL', 'student_VS', view_frame_loss=VIEW_FRAME_LOSS)
    assert model.view_frame_loss is None
    losses, _ = _losses(model, make_batch())
    assert 'loss_view_frame' not in losses


def test_needs_human_mask():
    model = build('MultiASL', 'teacher', view_frame_loss=VIEW_FRAME_LOSS)
    with pytest.raises(KeyError, match='view_frame_loss needs human_mask'):
        _losses(model, make_batch(with_mask=False))
