"""Loss maths of ViCoKD: Two-way classification loss (Eq. 5), the distillation and
view-consistency terms (Eq. 7-10) and the per-view frame loss (ours). Plain tensor functions;
registered modules wrap them.

Shapes: B batch, V views, T frames, D feature dim, C classes, N rows (samples or frames).
"""
from typing import Dict, Mapping, Optional, Sequence, Union

import torch
import torch.nn.functional as F

Features = Union[Mapping[str, torch.Tensor], Sequence[torch.Tensor]]


def _masked_logsumexp(values: torch.Tensor, mask: torch.Tensor, dim: int) -> torch.Tensor:
    """logsumexp of ``values`` over the entries where ``mask`` holds, along ``dim``.

    Slices with no entry get 0 instead of -inf (their callers drop them), which keeps the
    backward pass free of NaN.
    """
    empty = ~mask.any(dim=dim, keepdim=True)
    values = values.masked_fill(~mask, float('-inf')).masked_fill(empty, 0.0)
    return torch.logsumexp(values, dim=dim)


def two_way_loss(logits: torch.Tensor, targets: torch.Tensor, Tp: float = 4.0,
                 Tn: float = 1.0) -> torch.Tensor:
    """Two-way multi-label loss (Kobayashi, CVPR 2023), the classification loss of Eq. 5.

    Along each way (per sample over classes, and per class over samples) the hardest negative
    and the hardest positive are softened with temperatures Tn and Tp:
    ``l = softplus(Tn * logsumexp_{neg}(x / Tn) + Tp * logsumexp_{pos}(-x / Tp))``.
    The sample-wise terms are averaged over the samples with at least one positive, the
    class-wise terms over the classes with at least one positive; the loss is their sum. A term
    whose negative set is empty is exactly 0 (softplus(-inf)). A way with no eligible term (no
    positive at all in the batch) contributes 0.

    Args:
        logits: (N, C) raw scores.
        targets: (N, C) binary multi-hot labels.
        Tp: temperature of the positives.
        Tn: temperature of the negatives.

    Returns:
        Scalar loss.
    """
    if logits.ndim != 2 or targets.shape != logits.shape:
        raise ValueError('two_way_loss expects logits and targets of one shape (N, C); got '
                         f'{tuple(logits.shape)} and {tuple(targets.shape)}')
    pos = targets > 0
    neg = ~pos
    total = logits.new_zeros(())
    for dim in (1, 0):  # sample-wise (over classes), then class-wise (over samples)
        pos_term = Tp * _masked_logsumexp(-logits / Tp, pos, dim)
        neg_term = Tn * _masked_logsumexp(logits / Tn, neg, dim)
        has_pos, has_neg = pos.any(dim), neg.any(dim)
        terms = torch.where(has_neg, F.softplus(pos_term + neg_term), 0.0)
        total = total + (terms * has_pos).sum() / has_pos.sum().clamp(min=1)
    return total


def _feature_pairs(student_feats: Features, teacher_feats: Features):
    if isinstance(student_feats, Mapping) != isinstance(teacher_feats, Mapping):
        raise TypeError('feature_distill expects two dicts or two sequences of features')
    if isinstance(student_feats, Mapping):
        if set(student_feats) != set(teacher_feats):
            raise KeyError(f'feature_distill: student features {sorted(student_feats)} and '
                           f'teacher features {sorted(teacher_feats)} differ')
        return [(name, student_feats[name], teacher_feats[name]) for name in student_feats]
    if len(student_feats) != len(teacher_feats):
        raise ValueError(f'feature_distill: {len(student_feats)} student features and '
                         f'{len(teacher_feats)} teacher features')
    return [(str(i), s, t) for i, (s, t) in enumerate(zip(student_feats, teacher_feats))]


def feature_distill(student_feats: Features, teacher_feats: Features,
                    reduction: str = 'sum') -> torch.Tensor:
    """Feature distillation, Eq. 7.

    For each named feature, the squared L2 distance of the teacher-student difference per
    frame, averaged over frames, views and batch; the features' terms are summed (Eq. 7 sums
    the ``attn`` and ``av`` terms). The teacher is detached.

    ``reduction='sum'`` is Eq. 7 exactly: the squared norm sums over the D channels, so the
    loss grows with D (D=384 for ViT-S). ``'mean'`` averages over D instead (the loss is then
    exactly 1/D of the ``'sum'`` value), which keeps it on the scale of the task losses
    whatever the width.

    Args:
        student_feats: dict name -> (B, V, T, D) tensor, or a sequence of such tensors.
        teacher_feats: the teacher's features, same names/order and shapes.
        reduction: ``'sum'`` (Eq. 7) or ``'mean'`` over D.

    Returns:
        Scalar loss.
    """
    if reduction not in ('sum', 'mean'):
        raise ValueError(f"feature_distill: reduction must be 'sum' or 'mean', got "
                         f'{reduction!r}')
    pairs = _feature_pairs(student_feats, teacher_feats)
    if not pairs:
        raise ValueError('feature_distill got no features')
    total = 0.0
    for name, student, teacher in pairs:
        if student.shape != teacher.shape:
            raise ValueError(f'feature_distill: feature {name!r} has student shape '
                             f'{tuple(student.shape)} and teacher shape {tuple(teacher.shape)}')
        sq = (student - teacher.detach()).pow(2)
        per_frame = sq.sum(dim=-1) if reduction == 'sum' else sq.mean(dim=-1)
        total = total + per_frame.mean()
    return total


def logit_distill(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                  tau: float = 4.0) -> torch.Tensor:
    """Logit distillation, Eq. 8: ``tau^2 * KL(p_T || p_S)`` per frame.

    ``p = softmax(logits / tau)`` over classes; the KL is averaged over frames and batch. The
    teacher is detached.

    Args:
        student_logits: (B, T, C) student frame logits.
        teacher_logits: (B, T, C) teacher frame logits.
        tau: temperature.

    Returns:
        Scalar loss.
    """
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(f'logit_distill: student logits {tuple(student_logits.shape)} and '
                         f'teacher logits {tuple(teacher_logits.shape)} differ in shape')
    log_p_s = F.log_softmax(student_logits / tau, dim=-1)
    log_p_t = F.log_softmax(teacher_logits.detach() / tau, dim=-1)
    kl = (log_p_t.exp() * (log_p_t - log_p_s)).sum(dim=-1)
    return tau ** 2 * kl.mean()


def kl_divergence(p: torch.Tensor, q: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """KL(p || q) along the last dim, with probabilities clamped to ``eps`` inside the logs.

    Args:
        p, q: (..., C) probability distributions.

    Returns:
        (...,) divergences.
    """
    return (p * (p.clamp(min=eps).log() - q.clamp(min=eps).log())).sum(dim=-1)


def js_divergence(p: torch.Tensor, q: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Jensen-Shannon divergence along the last dim, Eq. 9.

    ``JS(p, q) = KL(p || m) / 2 + KL(q || m) / 2`` with ``m = (p + q) / 2``.

    Args:
        p, q: (..., C) probability distributions.

    Returns:
        (...,) divergences, in [0, log 2].
    """
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, eps) + 0.5 * kl_divergence(q, m, eps)


def view_consistency(probs: torch.Tensor, masks: Optional[torch.Tensor] = None,
                     use_confidence: bool = True, use_mask: bool = True,
                     divergence: str = 'js', detach_weight: bool = True) -> torch.Tensor:
    """View-aware consistency loss, Eq. 10.

    ``1 / (N_pairs * T) * sum_{i<j} sum_t w_t^{ij} m_{i,t} m_{j,t} D(p_{i,t}, p_{j,t})``,
    averaged over the batch, with ``w_t^{ij} = max_c p_{i,t,c} * max_c p_{j,t,c}`` and
    ``D = JS`` (Eq. 9) or ``KL(p_i || p_j)`` for the ablation. By default the confidence
    weight is a constant (no gradient), so the loss cannot be lowered by making the views less
    confident; the paper does not say, and ``detach_weight=False`` lets gradient flow through
    w as well (a study switch).

    Args:
        probs: (B, V, T, C) per-view class distributions (softmax over C), V >= 2.
        masks: (B, V, T) bool human-visibility masks; needed when ``use_mask``.
        use_confidence: weight each pair and frame by ``w``; otherwise ``w = 1``.
        use_mask: count only frames where both views see a person; otherwise all frames.
        divergence: ``'js'`` or ``'kl'``.
        detach_weight: treat ``w`` as a constant (no gradient through it).

    Returns:
        Scalar loss.
    """
    if probs.ndim != 4 or probs.shape[1] < 2:
        raise ValueError('view_consistency expects probs (B, V, T, C) with V >= 2; got '
                         f'{tuple(probs.shape)}')
    if divergence not in ('js', 'kl'):
        raise ValueError(f"view_consistency: divergence must be 'js' or 'kl', got {divergence!r}")
    num_views, num_frames = probs.shape[1], probs.shape[2]
    first, second = torch.triu_indices(num_views, num_views, offset=1, device=probs.device)
    p_i, p_j = probs[:, first], probs[:, second]  # (B, P, T, C)
    if divergence == 'js':
        weighted = js_divergence(p_i, p_j)
    else:
        weighted = kl_divergence(p_i, p_j)  # (B, P, T)
    if use_confidence:
        weight = p_i.amax(dim=-1) * p_j.amax(dim=-1)
        weighted = weighted * (weight.detach() if detach_weight else weight)
    if use_mask:
        if masks is None or masks.shape != probs.shape[:3]:
            shape = None if masks is None else tuple(masks.shape)
            raise ValueError(f'view_consistency: use_mask needs masks of shape (B, V, T) = '
                             f'{tuple(probs.shape[:3])}; got {shape}')
        masks = masks.bool()
        weighted = weighted * (masks[:, first] & masks[:, second])
    return weighted.sum(dim=(1, 2)).mean() / (first.numel() * num_frames)


def view_consistency_stats(probs: torch.Tensor,
                           masks: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
    """What decides whether Eq. 10 acts, for logging (no gradient).

    Over all view pairs ``i < j`` and frames: ``covisible`` is the fraction of (pair, frame)
    entries where both masks are set (1 without masks); ``weight`` the mean confidence weight
    ``w = max p_i * max p_j`` and ``js`` the mean Jensen-Shannon divergence over those
    co-visible entries (0 when there is none). The loss of Eq. 10 with JS and masks is about
    ``covisible * weight * js`` (exactly, when w and JS are uncorrelated).

    Args:
        probs: (B, V, T, C) per-view class distributions, V >= 2.
        masks: (B, V, T) bool human-visibility masks, or None.

    Returns:
        dict of scalar tensors ``covisible``, ``weight``, ``js``.
    """
    if probs.ndim != 4 or probs.shape[1] < 2:
        raise ValueError('view_consistency_stats expects probs (B, V, T, C) with V >= 2; got '
                         f'{tuple(probs.shape)}')
    with torch.no_grad():
        first, second = torch.triu_indices(probs.shape[1], probs.shape[1], offset=1,
                                           device=probs.device)
        p_i, p_j = probs[:, first], probs[:, second]
        weight = p_i.amax(dim=-1) * p_j.amax(dim=-1)  # (B, P, T)
        js = js_divergence(p_i, p_j)
        if masks is None:
            both = torch.ones_like(weight, dtype=torch.bool)
        else:
            masks = masks.bool()
            both = masks[:, first] & masks[:, second]
        count = both.sum()
        denom = count.clamp(min=1).to(weight.dtype)
        return dict(covisible=count.to(weight.dtype) / both.numel(),
                    weight=(weight * both).sum() / denom, js=(js * both).sum() / denom)


def visible_view_frame_loss(view_frame_logits: torch.Tensor, frame_label: torch.Tensor,
                            human_mask: torch.Tensor, Tp: float = 4.0,
                            Tn: float = 1.0) -> torch.Tensor:
    """Two-way loss (Eq. 5's L_F) on each view's own frame readings where it sees a person.

    The per-view readings p_{i,t} that Eq. 9-10 compare get the frame labels of the
    recording, but only on the (view, frame) pairs whose human mask is set: an action a view
    cannot see is neither pushed into nor out of that view. The visible pairs of the whole
    batch form the rows of one :func:`two_way_loss` (as ``loss_frame`` pools the B·T fused
    frames); visible frames without an action are rows with negatives only.

    Args:
        view_frame_logits: (B, V, T, C) per-view frame logits.
        frame_label: (B, T, C) multi-hot frame labels, shared by the views of a recording.
        human_mask: (B, V, T) bool, a person visible in view v at frame t.
        Tp: temperature of the positives.
        Tn: temperature of the negatives.

    Returns:
        Scalar loss; 0 (still connected to the logits) when no view sees anyone.
    """
    if view_frame_logits.ndim != 4:
        raise ValueError('visible_view_frame_loss expects view_frame_logits (B, V, T, C); got '
                         f'{tuple(view_frame_logits.shape)}')
    batch, views, frames, classes = view_frame_logits.shape
    if frame_label.shape != (batch, frames, classes) or human_mask.shape != (batch, views,
                                                                              frames):
        raise ValueError(f'visible_view_frame_loss: view_frame_logits (B, V, T, C) = '
                         f'{tuple(view_frame_logits.shape)} need frame_label (B, T, C) and '
                         f'human_mask (B, V, T); got {tuple(frame_label.shape)} and '
                         f'{tuple(human_mask.shape)}')
    visible = human_mask.bool()
    if not visible.any():
        return view_frame_logits.sum() * 0.0
    labels = frame_label.unsqueeze(1).expand(-1, views, -1, -1)
    return two_way_loss(view_frame_logits[visible], labels[visible], Tp, Tn)
