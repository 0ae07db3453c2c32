"""Official-format annotation files: read, write atomically, count classes, split 7:3.

An annotation file is a list of entries, or a dict of entries keyed by recording id; an entry is
``{"video_url_1": ..., ..., "video_url_5": ..., "tricks": [{"start": s, "end": s, "labels":
[name, ...]}, ...]}``. A recording's sequence label is the union of its tricks' labels.

The split follows the paper (§4.1): 7:3 inside one environment, by iterative stratification
(Sechidis et al.) on the sequence multi-hot labels, seeded.
"""
import json
import os

import numpy as np

from .functional import recording_id_from_url


def read_json(path: str, what: str = 'JSON file'):
    """The content of JSON file ``path``; a file that is not JSON is one ``ValueError``.

    ``what`` names the file's role in the message, e.g. ``'annotation file'``.
    """
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except json.JSONDecodeError as exc:
        raise ValueError(f'{what} {path} is not valid JSON: {exc.msg} at line {exc.lineno}, '
                         f'column {exc.colno}') from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f'{what} {path} is not valid JSON: not UTF-8 text ({exc.reason} at '
                         f'byte {exc.start})') from exc


def load_annotation_file(path: str):
    """Read an official-format annotation file (a list of entries or a dict keyed by id)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f'annotation file not found: {path}')
    data = read_json(path, 'annotation file')
    if not isinstance(data, (list, dict)):
        raise ValueError(f'{path}: expected a list of entries or a dict keyed by recording id, '
                         f'got {type(data).__name__}')
    return data


def recording_id(entry: dict) -> str:
    """Recording id of a list entry: its ``video_url_1`` without extension and ``-View1``."""
    url = entry.get('video_url_1') if isinstance(entry, dict) else None
    if not isinstance(url, str):
        raise ValueError(f'annotation entry without a video_url_1 string: {entry!r:.200}')
    return recording_id_from_url(url)


def _items(entries) -> list:
    """``(recording id, entry)`` pairs of a list or dict of entries."""
    if isinstance(entries, dict):
        return list(entries.items())
    if isinstance(entries, list):
        return [(recording_id(e), e) for e in entries]
    raise TypeError(f'entries must be a list or a dict keyed by recording id, '
                    f'got {type(entries).__name__}')


def label_matrix(entries, classes) -> np.ndarray:
    """(N, C) uint8 multi-hot sequence labels (union of each entry's tricks' labels)."""
    index = {name: i for i, name in enumerate(classes)}
    items = _items(entries)
    out = np.zeros((len(items), len(classes)), dtype=np.uint8)
    for row, (rid, entry) in enumerate(items):
        tricks = entry.get('tricks')
        if not isinstance(tricks, list):
            raise ValueError(f'recording {rid}: "tricks" must be a list, got {tricks!r:.100}')
        for trick in tricks:
            for name in trick.get('labels', ()):
                if name not in index:
                    raise ValueError(f'recording {rid}: unknown class {name!r}; '
                                     f'expected one of {list(classes)}')
                out[row, index[name]] = 1
    return out


def class_counts(entries, classes) -> dict:
    """Class name → number of recordings whose sequence label contains it."""
    counts = label_matrix(entries, classes).sum(axis=0)
    return {name: int(n) for name, n in zip(classes, counts)}


def split_annotations(entries, classes, ratio: float = 0.7, seed: int = 0) -> tuple:
    """Split ``entries`` into train and test by iterative stratification.

    Args:
        entries: list of official entries or dict keyed by recording id.
        classes: class names (defines the label columns).
        ratio: fraction of recordings for training (0 < ratio < 1).
        seed: random seed of the stratifier.

    Returns:
        ``(train, test)`` in the input's format (list or dict), each in the input's order.
        The train side has exactly ``round(ratio * N)`` recordings: iterative stratification
        only approximates the sizes (on small sets it can leave a side empty), so
        :func:`_fit_sizes` then moves the fewest recordings needed.
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    if not 0.0 < ratio < 1.0:
        raise ValueError(f'ratio must be in (0, 1), got {ratio}')
    items = _items(entries)
    n = len(items)
    n_train = int(round(ratio * n))
    if n_train < 1 or n_train > n - 1:
        raise ValueError(f'cannot split {n} recordings with ratio {ratio}: '
                         f'each side needs at least one')
    labels = label_matrix(entries, classes)
    splitter = MultilabelStratifiedShuffleSplit(
        n_splits=1, train_size=n_train, test_size=n - n_train, random_state=seed)
    train_idx, test_idx = next(splitter.split(np.zeros((n, 1)), labels))
    train_idx, test_idx = _fit_sizes(labels, list(train_idx), list(test_idx), n - n_train,
                                     np.random.default_rng(seed))
    train = [items[i] for i in sorted(train_idx)]
    test = [items[i] for i in sorted(test_idx)]
    if isinstance(entries, dict):
        return dict(train), dict(test)
    return [e for _, e in train], [e for _, e in test]


def _fit_sizes(labels: np.ndarray, train: list, test: list, n_test: int,
               rng: np.random.Generator) -> tuple:
    """Move recordings between sides until the test side has ``n_test`` of them.

    Each move takes, from the larger side, the recording that (1) leaves every one of its
    classes still present on that side, then (2) brings the most classes missing on the other
    side, ties broken by ``rng``.
    """
    while len(test) != n_test:
        src, dst = (train, test) if len(test) < n_test else (test, train)
        src_counts = labels[src].sum(axis=0)
        dst_counts = labels[dst].sum(axis=0) if dst else np.zeros(labels.shape[1])
        best, best_key = None, None
        for i in rng.permutation(len(src)):
            row = labels[src[i]].astype(bool)
            key = (bool(np.all(src_counts[row] >= 2)), int(np.sum(dst_counts[row] == 0)))
            if best_key is None or key > best_key:
                best, best_key = i, key
        dst.append(src.pop(best))
    return train, test


def format_count_table(train, test, classes) -> str:
    """A text table of per-class recording counts on each side of a split."""
    tr, te = class_counts(train, classes), class_counts(test, classes)
    width = max(len('class'), *(len(c) for c in classes))
    lines = [f'{"class":<{width}}  {"train":>6}  {"test":>6}  {"total":>6}']
    for c in classes:
        lines.append(f'{c:<{width}}  {tr[c]:>6}  {te[c]:>6}  {tr[c] + te[c]:>6}')
    lines.append(f'{"recordings":<{width}}  {len(train):>6}  {len(test):>6}  '
                 f'{len(train) + len(test):>6}')
    return '\n'.join(lines)
