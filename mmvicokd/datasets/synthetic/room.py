"""The virtual Home-1 room: zones on a unit floor plan and 5 cameras with partly overlapping views.

Floor coordinates are ``(x, y)`` in ``[0, 1]^2`` (x to the right, y away from the door wall's
front). Each camera sees an axis-aligned rectangle of the floor and maps it onto its image; the
actor is visible in a view exactly when the actor's centre lies inside that rectangle (the
renderer draws nothing otherwise), so visibility is known exactly and written as the human mask.

Coverage by construction (see :func:`zone_views`): the lamp and the air conditioner are seen by a
single camera, the door, the window and the cleaning area by two, the sofa by three and the table
by four, so some classes are visible in only one or two views. Camera 2 is far (``detail``
0.55): it sees the door, sofa, table and cleaning area, but the actor and objects small, so
where it shares a zone with a near camera (door with 1, cleaning area with 4, sofa and table
with others) one view sees the action clearly and another only poorly.
"""
from dataclasses import dataclass

import numpy as np

#: Where each action zone's actor stands, in floor coordinates.
ZONES = {
    'door': (0.12, 0.62),
    'lamp': (0.10, 0.90),
    'sofa': (0.30, 0.76),
    'table': (0.58, 0.45),
    'floor': (0.42, 0.18),
    'window': (0.86, 0.82),
    'ac': (0.90, 0.12),
}

#: Where the actor is when outside the room (seen by no camera).
OUTSIDE = (-0.15, 0.62)

#: Half-width of the cleaning sweep along x (Clean / CleanVacuum), floor units.
WIPE_AMPLITUDE = 0.1

#: Furniture drawn in the background: (x0, x1, y0, y1) floor rectangle and RGB colour.
FURNITURE = (
    ((-0.02, 0.03, 0.52, 0.72), (90, 55, 30)),     # door
    ((0.03, 0.08, 0.92, 0.98), (255, 240, 170)),   # lamp
    ((0.18, 0.42, 0.84, 0.96), (140, 85, 50)),     # sofa
    ((0.50, 0.68, 0.30, 0.40), (110, 70, 40)),     # table
    ((0.28, 0.56, 0.06, 0.30), (160, 90, 90)),     # rug (cleaning area)
    ((0.78, 0.96, 0.93, 0.99), (180, 225, 250)),   # window
    ((0.95, 1.00, 0.05, 0.20), (245, 245, 245)),   # air conditioner
)


@dataclass(frozen=True)
class Camera:
    """One camera: the floor rectangle it sees, how it is mirrored, and its background look.

    Attributes:
        region: (x0, x1, y0, y1) floor rectangle seen by the camera.
        flip_x, flip_y: mirror the image horizontally / vertically.
        floor_colour: RGB base colour of the view's background.
        stripe_period: period in pixels of the background's stripe texture.
        stripe_vertical: stripes run vertically (else horizontally).
        detail: how large the actor and the held objects appear, relative to a near camera
            (1.0); a far camera (< 1) sees them small, so it sees an action only poorly.
    """

    region: tuple
    flip_x: bool
    flip_y: bool
    floor_colour: tuple
    stripe_period: int
    stripe_vertical: bool
    detail: float = 1.0

    def sees(self, x: float, y: float) -> bool:
        """Whether the floor point ``(x, y)`` is inside this camera's field of view."""
        x0, x1, y0, y1 = self.region
        return x0 <= x <= x1 and y0 <= y <= y1

    def to_pixel(self, x: float, y: float, width: int, height: int) -> tuple:
        """Floor point ``(x, y)`` → pixel ``(u, v)`` (floats) in a ``width`` x ``height`` image."""
        x0, x1, y0, y1 = self.region
        u = (x - x0) / (x1 - x0) * width
        v = (y1 - y) / (y1 - y0) * height
        if self.flip_x:
            u = width - u
        if self.flip_y:
            v = height - v
        return u, v


CAMERAS = (
    Camera((0.00, 0.50, 0.55, 1.00), False, False, (205, 190, 160), 12, True),
    Camera((0.00, 0.65, 0.10, 0.85), True, False, (165, 200, 215), 16, False, detail=0.55),
    Camera((0.25, 1.00, 0.35, 1.00), False, False, (185, 215, 165), 10, False),
    Camera((0.20, 0.80, 0.00, 0.60), False, True, (215, 175, 190), 14, True),
    Camera((0.50, 1.00, 0.00, 0.95), True, False, (190, 190, 210), 20, True),
)

NUM_VIEWS = len(CAMERAS)


def visible_views(x: float, y: float) -> list:
    """1-based numbers of the views that see the floor point ``(x, y)``."""
    return [v + 1 for v, cam in enumerate(CAMERAS) if cam.sees(x, y)]


def zone_views(zone: str) -> list:
    """1-based numbers of the views that see the actor standing at ``zone``."""
    if zone not in ZONES:
        raise KeyError(f'unknown zone {zone!r}; expected one of {sorted(ZONES)}')
    return visible_views(*ZONES[zone])


def visibility(inside: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Per-view visibility of the actor.

    Args:
        inside: (N,) bool, whether the actor is in the room.
        positions: (N, 2) floor positions.

    Returns:
        (V, N) bool, True where view v sees the actor's centre.
    """
    out = np.zeros((NUM_VIEWS, len(positions)), dtype=bool)
    for v, cam in enumerate(CAMERAS):
        x0, x1, y0, y1 = cam.region
        x, y = positions[:, 0], positions[:, 1]
        out[v] = inside & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return out
