"""MultiASL-specific facts (the shared contract is in test_backbone_contract.py)."""
import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd  # noqa: F401
from mmvicokd.models.backbones.functional import generalized_ce, topk_pseudo_labels
from mmvicokd.models.losses.functional import two_way_loss

B, V, D, C = 2, 3, 48, 6


def build(num_views=V, **kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='MultiASL', in_dim=D, num_classes=C, num_views=num_views,
                             **kwargs)).eval()


def test_architecture_follows_the_authors():
    model = build()
    assert len(model.temporal.encoder.layers) == 1
    assert model.temporal.encoder.layers[0].self_attn.num_heads == 4
    assert model.temporal.num_prefix_tokens == 1
    assert not model.temporal.time_embedding
    assert model.cas_head.in_features == 2 * D


@pytest.mark.parametrize('frames,k', [(70, 8), (16, 2), (13, 1), (5, 1)])
def test_topk_count_and_cas_top(frames, k):
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, frames, D))
    assert out['topk_indices'].shape == (B, k, C)
    assert out['cas_top'].shape == (B, C)
    expected = out['frame_logits'].gather(1, out['topk_indices']).mean(dim=1)
    torch.testing.assert_close(out['cas_top'], expected)


def test_authors_feature_max_cas_and_per_view_readings_share_its_classifier():
    model = build()
    assert model.cas_fusion == 'feature_max'
    av = torch.randn(B, V, 8, D)
    with torch.no_grad():
        out = model(av)
        cas = model.cas_head(torch.cat([av.amax(1), out['fusion'].amax(1)], dim=-1))
        per_view = model.cas_head(torch.cat([av, out['fusion']], dim=-1))
    torch.testing.assert_close(out['frame_logits'], cas)
    torch.testing.assert_close(out['view_frame_logits'], per_view)


def test_view_mean_cas_is_the_fusion_of_the_per_view_readings():
    model = build(cas_fusion='view_mean')
    # hand-made per-view features: every class reads the first av channel (class 0 negated);
    # views 0, 1, 2 hold 0, -2 and 3 there
    model.cas_head.weight.data.zero_()
    model.cas_head.bias.data.zero_()
    model.cas_head.weight.data[:, 0] = 1.0
    model.cas_head.weight.data[0, 0] = -1.0
    av = torch.zeros(1, V, 4, D)
    av[0, 1, :, 0] = -2.0
    av[0, 2, :, 0] = 3.0
    with torch.no_grad():
        out = model(av)
    readings = out['view_frame_logits']
    assert readings.shape == (1, V, 4, C)
    torch.testing.assert_close(readings[0, 2, :, 1:], torch.full((4, C - 1), 3.0))
    torch.testing.assert_close(readings[0, 1, :, 0], torch.full((4,), 2.0))
    expected = torch.full((1, 4, C), (0 - 2 + 3) / 3)
    expected[0, :, 0] = (0 + 2 - 3) / 3
    torch.testing.assert_close(out['frame_logits'], expected)
    torch.testing.assert_close(out['frame_logits'], readings.mean(dim=1))


def test_view_mean_frame_loss_trains_every_view_reading():
    model = build(cas_fusion='view_mean').train()
    av = torch.randn(B, V, 8, D, requires_grad=True)
    out = model(av)
    out['frame_logits'].sum().backward()
    # every view's features get gradient through its own reading
    assert all(av.grad[:, v].abs().sum() > 0 for v in range(V))
    with pytest.raises(ValueError, match='cas_fusion'):
        build(cas_fusion='view_max')


def test_single_view_view_scores_equal_frame_scores():
    model = build(num_views=1)
    with torch.no_grad():
        out = model(torch.randn(B, 1, 8, D))
    torch.testing.assert_close(out['view_frame_logits'][:, 0], out['frame_logits'])


def test_sequence_logits_from_view_max_of_cls_are_view_order_free():
    model = build()
    av = torch.randn(B, V, 8, D)
    perm = torch.tensor([2, 0, 1])
    with torch.no_grad():
        out, out_perm = model(av), model(av[:, perm])
    torch.testing.assert_close(out_perm['seq_logits'], out['seq_logits'])
    torch.testing.assert_close(out_perm['frame_logits'], out['frame_logits'])


def test_aux_losses_are_the_authors_terms():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, 16, D))
    gt = torch.zeros(B, C)
    gt[0, 1] = gt[1, 4] = gt[1, 0] = 1
    losses = model.aux_losses(out, gt, None, None)
    pseudo = topk_pseudo_labels(out['topk_indices'], gt, 16)
    assert pseudo[0].sum() == 2  # k = 2 frames for the one class of sample 0
    assert 2 <= pseudo[1].sum() <= 4
    torch.testing.assert_close(losses['loss_cas'], two_way_loss(out['cas_top'], gt))
    torch.testing.assert_close(losses['loss_actionness_av'],
                               generalized_ce(out['actionness_av'], pseudo, 0.7))
    torch.testing.assert_close(losses['loss_actionness_fusion'],
                               generalized_ce(out['actionness_fusion'], pseudo, 0.7))
    with pytest.raises(ValueError, match='gt_label'):
        model.aux_losses(out, gt[:, :-1], None, None)


def test_recording_score_is_cas_top_by_default_as_the_authors():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, 16, D))
    assert model.seq_score == 'cas_top'
    torch.testing.assert_close(out['score_logits'], out['cas_top'])


def test_recording_score_from_the_cls_head_on_request():
    model = build(seq_score='cls')
    with torch.no_grad():
        out = model(torch.randn(B, V, 16, D))
    torch.testing.assert_close(out['score_logits'], out['seq_logits'])
    assert not torch.allclose(out['score_logits'], out['cas_top'])


def test_recording_score_from_the_cas_maximum_over_time_on_request():
    model = build(seq_score='cas_max')
    with torch.no_grad():
        out = model(torch.randn(B, V, 16, D))
    torch.testing.assert_close(out['score_logits'], out['frame_logits'].amax(dim=1))
    assert (out['score_logits'] >= out['cas_top']).all()  # the top-k mean is at most the max


def test_recognizer_scores_recordings_with_score_logits():
    from mmvicokd.models.recognizers.multiview_av_recognizer import MultiViewAVRecognizer
    logits = torch.tensor([[0.0, 2.0]])
    feats = dict(seq_logits=logits, score_logits=-logits, frame_logits=torch.zeros(1, 3, 2))
    seq, frame = MultiViewAVRecognizer.predict_scores(feats)
    torch.testing.assert_close(seq, torch.sigmoid(-logits))
    torch.testing.assert_close(frame, torch.full((1, 3, 2), 0.5))
    del feats['score_logits']
    torch.testing.assert_close(MultiViewAVRecognizer.predict_scores(feats)[0],
                               torch.sigmoid(logits))


def test_unknown_seq_score_is_an_error():
    with pytest.raises(ValueError, match='seq_score'):
        build(seq_score='max')
