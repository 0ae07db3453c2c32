"""Plain tensor maths shared by the fusion backbones (MultiTSF, MultiASL, MultiTrans).

Shapes: B batch, V views, T frames, D feature dim, C classes, k selected frames.

The action-selection maths (top-k selection, class-agnostic pseudo-labels, generalised
cross-entropy) follows the MultiASL paper (Nguyen et al.) and facts read from the authors'
public code (``thanhhff/MultiASL``, ``thanhhff/MMASL``); the code here is our own.
"""
from typing import Sequence, Tuple

import torch


def check_fusion_input(av: torch.Tensor, in_dim: int, num_views: int, name: str) -> None:
    """Raise one clear error unless ``av`` is a (B, V, T, D) tensor matching the backbone.

    Args:
        av: audio-visual fused per-view frame features F_AV (Eq. 3), (B, V, T, D).
        in_dim: the D the backbone was built for.
        num_views: the V the backbone was built for.
        name: the backbone's class name, for the message.
    """
    if av.ndim != 4:
        raise ValueError(f'{name} expects av of shape (B, V, T, D); got {tuple(av.shape)}')
    _, views, frames, dim = av.shape
    if views != num_views or dim != in_dim or frames < 1:
        raise ValueError(f'{name} was built for V={num_views} views of D={in_dim} features and '
                         f'needs T >= 1; got av of shape {tuple(av.shape)} (B, V, T, D)')


def topk_count(num_frames: int, divisor: int = 8) -> int:
    """Number of frames MultiASL selects per class: ``max(1, T // divisor)``.

    The authors use ``T // 8``; the floor of one keeps short clips (T < 8) usable.
    """
    if num_frames < 1 or divisor < 1:
        raise ValueError(f'topk_count needs num_frames >= 1 and divisor >= 1; got '
                         f'{num_frames} and {divisor}')
    return max(1, num_frames // divisor)


def select_topk_frames(cas: torch.Tensor, actionness: Sequence[torch.Tensor],
                       k: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Action selection of MultiASL: pick the k most action-like frames per class.

    The selection score per frame and class is the mean of ``softmax_C(cas)`` and every
    actionness map (broadcast over classes), computed without gradient; the top-k frames along
    T are taken per class, and the class activation sequence is averaged over them.

    Args:
        cas: class activation sequence (B, T, C), logits.
        actionness: sequence of actionness probabilities, each (B, T).
        k: frames to select, 1 <= k <= T.

    Returns:
        ``cas_top`` (B, C): mean of ``cas`` over each class's selected frames (differentiable
        with respect to ``cas``); ``topk_indices`` (B, k, C) int64 frame indices.
    """
    if cas.ndim != 3:
        raise ValueError(f'select_topk_frames expects cas (B, T, C); got {tuple(cas.shape)}')
    batch, frames, _ = cas.shape
    if not 1 <= k <= frames:
        raise ValueError(f'select_topk_frames needs 1 <= k <= T={frames}; got k={k}')
    with torch.no_grad():
        score = cas.softmax(dim=-1)
        for act in actionness:
            if act.shape != (batch, frames):
                raise ValueError(f'actionness must be (B, T)=({batch}, {frames}); got '
                                 f'{tuple(act.shape)}')
            score = score + act.unsqueeze(-1)
        score = score / (1 + len(actionness))
        topk_indices = score.topk(k, dim=1).indices
    cas_top = cas.gather(1, topk_indices).mean(dim=1)
    return cas_top, topk_indices


def topk_pseudo_labels(topk_indices: torch.Tensor, gt_label: torch.Tensor,
                       num_frames: int) -> torch.Tensor:
    """Class-agnostic frame pseudo-labels from the frames selected for the present classes.

    A frame is positive when it is among the top-k frames of at least one class present in
    the sequence label; frames selected only for absent classes stay negative.

    Args:
        topk_indices: (B, k, C) frame indices from :func:`select_topk_frames`.
        gt_label: (B, C) multi-hot sequence label.
        num_frames: T.

    Returns:
        (B, T) float tensor of zeros and ones.
    """
    batch, _, classes = topk_indices.shape
    if gt_label.shape != (batch, classes):
        raise ValueError(f'gt_label must be (B, C)=({batch}, {classes}); got '
                         f'{tuple(gt_label.shape)}')
    selected = torch.zeros(batch, num_frames, classes, device=topk_indices.device)
    selected.scatter_(1, topk_indices, 1.0)
    present = (gt_label > 0).to(selected.dtype).unsqueeze(1)
    return (selected * present).amax(dim=-1)


def generalized_ce(prob: torch.Tensor, target: torch.Tensor, q: float = 0.7,
                   eps: float = 1e-7) -> torch.Tensor:
    """Generalised cross-entropy (Zhang & Sabuncu, 2018) on binary frame probabilities.

    ``L_q(p) = (1 - p^q) / q``. Per sample, the positive frames' ``L_q(p)`` is averaged over the
    positives and the negative frames' ``L_q(1 - p)`` over the negatives; both are averaged
    over the batch and summed (the balancing of the authors' MultiASL code). ``eps`` keeps
    ``p^q`` differentiable at 0 and the averages finite when a sample has no positive or no
    negative frame (that term is then 0).

    Args:
        prob: (B, T) probabilities in [0, 1].
        target: (B, T) binary targets.
        q: robustness exponent, 0 < q <= 1 (q -> 0 gives cross-entropy, q = 1 MAE).
        eps: numerical floor.

    Returns:
        Scalar loss.
    """
    if prob.ndim != 2 or target.shape != prob.shape:
        raise ValueError(f'generalized_ce expects prob and target of one shape (B, T); got '
                         f'{tuple(prob.shape)} and {tuple(target.shape)}')
    if not 0 < q <= 1:
        raise ValueError(f'generalized_ce needs 0 < q <= 1; got q={q}')
    target = target.to(prob.dtype)
    pos_loss = (1 - (prob + eps).pow(q)) / q
    neg_loss = (1 - (1 - prob + eps).pow(q)) / q
    pos = (pos_loss * target).sum(dim=1) / (target.sum(dim=1) + eps)
    neg = (neg_loss * (1 - target)).sum(dim=1) / ((1 - target).sum(dim=1) + eps)
    return pos.mean() + neg.mean()
