"""Runs of consecutive True frames in a boolean sequence (detected segments, labelled tricks)."""
from typing import List, Tuple

import numpy as np


def frame_runs(mask) -> List[Tuple[int, int]]:
    """``(first, last)`` index of each run of True in ``mask`` (T,), in order (inclusive)."""
    padded = np.r_[0, np.asarray(mask, dtype=np.int8), 0]
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]
