"""What the metrics read from a data sample: named fields as float32 numpy arrays."""
from typing import Dict, Sequence, Tuple

import numpy as np
import torch


def as_numpy(value) -> np.ndarray:
    """A tensor or array-like as a float32 numpy array (on the CPU, without gradient)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().float().numpy()
    return np.asarray(value, dtype=np.float32)


def sample_arrays(sample, fields: Sequence[str], metric: str,
                  hint: str = '') -> Tuple[str, Dict[str, np.ndarray]]:
    """``(recording id, {field: float32 array})`` of a data sample or its dict.

    Raises:
        KeyError: a field is missing; the message names the metric, the recording and ``hint``.
    """
    if not isinstance(sample, dict):
        sample = sample.to_dict()
    name = sample.get('recording_id', '<unknown recording>')
    missing = [key for key in fields if key not in sample]
    if missing:
        raise KeyError(f'{metric}: data sample of recording {name!r} lacks {missing}{hint}; it '
                       f'has {sorted(sample)}')
    return name, {key: as_numpy(sample[key]) for key in fields}
