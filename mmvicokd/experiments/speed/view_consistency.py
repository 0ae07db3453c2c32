"""Section 5: the vectorised view-consistency loss (Eq. 10) vs Python loops."""
import torch

from ...models.losses.functional import view_consistency
from .measure import ratio_rows, time_interleaved


def naive_view_consistency(probs, masks):
    """Eq. 10 (JS, confidence weights, masks) with Python loops over view pairs and frames."""
    eps = 1e-8
    batch, num_views, num_frames, _ = probs.shape
    total = probs.new_zeros(batch)
    pairs = 0
    for i in range(num_views):
        for j in range(i + 1, num_views):
            pairs += 1
            for t in range(num_frames):
                p, q = probs[:, i, t], probs[:, j, t]
                m = 0.5 * (p + q)
                js = 0.5 * (p * (p.clamp(min=eps).log() - m.clamp(min=eps).log())).sum(-1) \
                    + 0.5 * (q * (q.clamp(min=eps).log() - m.clamp(min=eps).log())).sum(-1)
                weight = (p.max(-1).values * q.max(-1).values).detach()
                both = (masks[:, i, t] & masks[:, j, t]).to(probs.dtype)
                total = total + weight * both * js
    return total.mean() / (pairs * num_frames)


def bench_view_consistency(shape: tuple, repeats: int) -> dict:
    """Forward + backward of the view-consistency loss on softmax probabilities ``shape``.

    Both versions must give the same loss and gradient (checked first; that run is also the
    warm-up).
    """
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(*shape, generator=gen)
    masks = torch.rand(*shape[:3], generator=gen) < 0.7

    def run(loss_fn):
        leaf = logits.clone().requires_grad_(True)
        loss = loss_fn(leaf.softmax(-1), masks)
        loss.backward()
        return loss.detach(), leaf.grad

    def ours():
        return run(view_consistency)

    def naive():
        return run(naive_view_consistency)

    (value, grad), (naive_value, naive_grad) = ours(), naive()
    value_diff = float((value - naive_value).abs())
    grad_diff = float((grad - naive_grad).abs().max())
    if not (torch.allclose(value, naive_value, rtol=1e-5, atol=1e-7)
            and torch.allclose(grad, naive_grad, rtol=1e-4, atol=1e-8)):
        raise RuntimeError(f'vectorised and looped view consistency disagree: value diff '
                           f'{value_diff}, gradient diff {grad_diff}')
    cases = {'ours: vectorised view_consistency': ours,
             'Python loop over view pairs and frames': naive}
    rows = ratio_rows(time_interleaved(cases, repeats), next(iter(cases)))
    return dict(shape=list(shape), loss=float(value), value_abs_diff=value_diff,
                grad_max_abs_diff=grad_diff, equal=True, rows=rows)
