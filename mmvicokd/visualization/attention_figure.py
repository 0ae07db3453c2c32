"""Paper Fig. 4 layout: a grid of frames with an attention map over each.

The figure has a fixed geometry, so its pixel size follows from the grid:
``LEFT + cols * CELL`` by ``TOP + rows * CELL`` inches at ``DPI`` (see :func:`figure_inches`).
"""
from typing import Sequence, Tuple

import numpy as np
from matplotlib.figure import Figure

CELL = 2.0        # inches per cell (square; holds the cell title too)
CELL_TITLE = 0.3  # inches of each cell kept for its title
LEFT = 0.45       # inches for the row labels
TOP = 0.6         # inches for the figure title
DPI = 100


def figure_inches(rows: int, cols: int) -> Tuple[float, float]:
    """(width, height) in inches of a ``rows`` × ``cols`` grid."""
    return LEFT + cols * CELL, TOP + rows * CELL


def normalise_map(attention: np.ndarray) -> np.ndarray:
    """Scale one map to [0, 1] (min-max; a constant map becomes zeros)."""
    attention = np.asarray(attention, dtype=np.float32)
    span = float(attention.max() - attention.min())
    return (attention - attention.min()) / span if span > 0 else np.zeros_like(attention)


def attention_grid_figure(images: Sequence[Sequence[np.ndarray]],
                          maps: Sequence[Sequence[np.ndarray]], row_labels: Sequence[str],
                          col_labels: Sequence[str], title: str, alpha: float = 0.5) -> Figure:
    """Frames (rows × cols of (H, W, 3) uint8) under their attention maps (gh, gw).

    Each map is min-max scaled on its own and drawn with bilinear interpolation over the
    frame, so colours compare places within a frame, not frames with each other.
    """
    rows, cols = len(images), len(col_labels)
    if len(maps) != rows or len(row_labels) != rows or any(
            len(r) != cols for r in images) or any(len(r) != cols for r in maps):
        raise ValueError(f'attention grid: {rows} rows of images, {len(maps)} of maps, '
                         f'{len(row_labels)} row labels, {cols} column labels do not agree')
    width, height = figure_inches(rows, cols)
    fig = Figure(figsize=(width, height), dpi=DPI)
    pad = 0.04
    for r in range(rows):
        bottom = height - TOP - (r + 1) * CELL
        fig.text((LEFT / 2) / width, (bottom + CELL / 2) / height, row_labels[r],
                 rotation=90, ha='center', va='center', fontsize=9)
        for c in range(cols):
            ax = fig.add_axes(((LEFT + c * CELL + pad) / width, (bottom + pad) / height,
                               (CELL - 2 * pad) / width, (CELL - CELL_TITLE - pad) / height))
            image = images[r][c]
            h, w = image.shape[:2]
            ax.imshow(image, interpolation='bilinear')
            ax.imshow(normalise_map(maps[r][c]), cmap='jet', alpha=alpha, vmin=0.0, vmax=1.0,
                      interpolation='bilinear', extent=(-0.5, w - 0.5, h - 0.5, -0.5))
            ax.set_title(col_labels[c], fontsize=8)
            ax.set_axis_off()
    fig.text(0.5, 1 - (TOP / 2) / height, title, ha='center', va='center', fontsize=10)
    return fig
