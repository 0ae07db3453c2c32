"""Draw one camera's video of an episode: background with furniture, the actor and held objects.

The actor is a disc (shirt colour) with a head; each active action adds its object (shape and
colour from :class:`.classes.VisualSignature`) beside the body, moving as the signature says.
Nothing is drawn for the actor in a view that does not see the actor's centre.
"""
import numpy as np

from .classes import visual_signature
from .episodes import VIDEO_FPS, Episode
from .room import CAMERAS, FURNITURE, visibility

_HEAD_COLOUR = (235, 195, 160)


def _box(img: np.ndarray, x0: float, x1: float, y0: float, y1: float):
    """Integer pixel box clipped to the image, or None when empty."""
    h, w = img.shape[:2]
    a, b = max(0, int(np.floor(x0))), min(w, int(np.ceil(x1)))
    c, d = max(0, int(np.floor(y0))), min(h, int(np.ceil(y1)))
    if a >= b or c >= d:
        return None
    return a, b, c, d


def fill_rect(img: np.ndarray, cx: float, cy: float, w: float, h: float, colour) -> None:
    """Fill the axis-aligned rectangle centred at pixel ``(cx, cy)`` (in place)."""
    box = _box(img, cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
    if box is not None:
        a, b, c, d = box
        img[c:d, a:b] = colour


def fill_disc(img: np.ndarray, cx: float, cy: float, r: float, colour) -> None:
    """Fill the disc of radius ``r`` centred at pixel ``(cx, cy)`` (in place)."""
    box = _box(img, cx - r, cx + r, cy - r, cy + r)
    if box is None:
        return
    a, b, c, d = box
    yy, xx = np.mgrid[c:d, a:b]
    mask = (xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2 <= r * r
    img[c:d, a:b][mask] = colour


def fill_triangle(img: np.ndarray, cx: float, cy: float, size: float, colour) -> None:
    """Fill an upward triangle of base and height ``size`` centred at ``(cx, cy)`` (in place)."""
    box = _box(img, cx - size / 2, cx + size / 2, cy - size / 2, cy + size / 2)
    if box is None:
        return
    a, b, c, d = box
    yy, xx = np.mgrid[c:d, a:b]
    depth = (yy + 0.5 - (cy - size / 2)) / size  # 0 at the apex, 1 at the base
    mask = np.abs(xx + 0.5 - cx) <= depth * size / 2
    img[c:d, a:b][mask] = colour


def background(view: int, width: int, height: int, brightness: float) -> np.ndarray:
    """The empty room seen by 0-based camera ``view``: (height, width, 3) uint8."""
    cam = CAMERAS[view]
    img = np.empty((height, width, 3), dtype=np.float64)
    img[:] = cam.floor_colour
    coord = np.arange(width if cam.stripe_vertical else height)
    stripes = np.where((coord // (cam.stripe_period // 2)) % 2 == 0, 10.0, -10.0)
    img += stripes[None, :, None] if cam.stripe_vertical else stripes[:, None, None]
    for (x0, x1, y0, y1), colour in FURNITURE:
        u0, v0 = cam.to_pixel(x0, y0, width, height)
        u1, v1 = cam.to_pixel(x1, y1, width, height)
        box = _box(img, min(u0, u1), max(u0, u1), min(v0, v1), max(v0, v1))
        if box is not None:
            a, b, c, d = box
            img[c:d, a:b] = colour
    return np.clip(img * brightness, 0, 255).astype(np.uint8)


def _draw_object(img, label: str, progress: float, tick: int, cx: float, cy: float,
                 size: float) -> None:
    sig = visual_signature(label)
    if sig.shape == 'none':
        return
    if sig.motion == 'bob':
        cy -= 0.6 * size * abs(np.sin(np.pi * 1.2 * tick / VIDEO_FPS))
    elif sig.motion == 'jitter':
        cx += ((tick * 7) % 3) - 1
    if sig.shape == 'square':
        fill_rect(img, cx, cy, size, size, sig.colour)
    elif sig.shape == 'circle':
        fill_disc(img, cx, cy, size / 2, sig.colour)
    elif sig.shape == 'triangle':
        fill_triangle(img, cx, cy, size, sig.colour)
    elif sig.shape == 'bar':
        fill_rect(img, cx, cy, 1.6 * size, 0.5 * size, sig.colour)
    elif sig.shape == 'wide':
        fill_rect(img, cx, cy, 1.8 * size, 0.8 * size, sig.colour)
    elif sig.shape == 'tall':
        if sig.motion == 'grow':
            tall = (0.6 + 1.4 * progress) * size
        elif sig.motion == 'shrink':
            tall = (2.0 - 1.4 * progress) * size
        else:
            tall = 1.5 * size
        fill_rect(img, cx, cy, 0.6 * size, tall, sig.colour)
    else:
        raise ValueError(f'unknown object shape {sig.shape!r} for class {label}')


#: Actor radius and held-object size, as fractions of the frame height (near camera).
ACTOR_RADIUS = 0.12
OBJECT_SIZE = 0.22


def render_view(episode: Episode, view: int, width: int, height: int,
                brightness: float = 1.0) -> np.ndarray:
    """Render 0-based camera ``view`` of ``episode``.

    Returns:
        (N, height, width, 3) uint8 frames, N = ``episode.num_frames`` at ``VIDEO_FPS``.
    """
    cam = CAMERAS[view]
    base = background(view, width, height, brightness)
    seen = visibility(episode.inside, episode.positions)[view]
    # sizes for a 16-pixel ViT patch at the demo's 64-pixel frames: a near camera draws the
    # held object about one patch wide, a far one (detail 0.55) about half a patch
    radius = max(2.0, ACTOR_RADIUS * height * cam.detail)
    obj = max(2.0, OBJECT_SIZE * height * cam.detail)
    frames = np.repeat(base[None], episode.num_frames, axis=0)
    for tick in np.flatnonzero(seen):
        img = frames[tick]
        x, y = episode.positions[tick]
        cx, cy = cam.to_pixel(x, y, width, height)
        r = radius * episode.scales[tick]
        fill_disc(img, cx, cy, r, episode.shirt)
        fill_disc(img, cx, cy - 0.9 * r, 0.5 * radius, _HEAD_COLOUR)
        for slot, (label, progress) in enumerate(episode.active(int(tick))[:2]):
            side = 1.0 if slot == 0 else -1.0
            _draw_object(img, label, progress, int(tick), cx + side * (r + 0.7 * obj), cy, obj)
    return frames
