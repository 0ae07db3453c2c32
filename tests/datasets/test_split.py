"""7:3 iterative-stratification split of official-format annotations."""
import json

import numpy as np
import pytest

from mmvicokd.datasets.split import (class_counts, format_count_table, label_matrix,
                                     load_annotation_file, split_annotations)
from mmvicokd.utils.atomic_files import write_json

CLASSES = ('A', 'B', 'C', 'D', 'E', 'F')


def _entry(i, labels, folder='01'):
    entry = {f'video_url_{v}': f'{folder}/{i}-View{v}-Part1.mp4' for v in range(1, 6)}
    entry['tricks'] = [dict(start=float(k), end=float(k) + 1.5, labels=[name])
                       for k, name in enumerate(labels)]
    return entry


def _entries(n=30, seed=0):
    rng = np.random.default_rng(seed)
    return [_entry(i, [CLASSES[j] for j in rng.choice(6, rng.integers(1, 4), replace=False)])
            for i in range(n)]


def test_label_matrix_and_counts_by_hand():
    entries = [_entry(0, ['A', 'B']), _entry(1, ['B']), _entry(2, ['C', 'B'])]
    entries[2]['tricks'].append(dict(start=4.0, end=5.0, labels=['C', 'A']))
    np.testing.assert_array_equal(label_matrix(entries, CLASSES),
                                  [[1, 1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0]])
    assert class_counts(entries, CLASSES) == dict(A=2, B=3, C=1, D=0, E=0, F=0)


@pytest.mark.parametrize('n, n_train', [(30, 21), (20, 14), (6, 4), (10, 7)])
def test_sizes_are_seven_to_three(n, n_train):
    train, test = split_annotations(_entries(n), CLASSES, ratio=0.7, seed=0)
    assert (len(train), len(test)) == (n_train, n - n_train)


def test_sizes_hold_on_singleton_classes():
    """Iterative stratification alone puts all six recordings in train here."""
    entries = [_entry(i, [CLASSES[i]]) for i in range(6)]
    train, test = split_annotations(entries, CLASSES, ratio=0.7, seed=0)
    assert (len(train), len(test)) == (4, 2)


def test_every_class_with_two_samples_on_both_sides():
    entries = _entries(30)
    counts = class_counts(entries, CLASSES)
    assert min(counts.values()) >= 2
    for seed in range(5):
        train, test = split_annotations(entries, CLASSES, seed=seed)
        assert all(v > 0 for v in class_counts(train, CLASSES).values()), seed
        assert all(v > 0 for v in class_counts(test, CLASSES).values()), seed


def test_seeded_and_deterministic():
    entries = _entries(30)
    first = split_annotations(entries, CLASSES, seed=0)
    assert split_annotations(entries, CLASSES, seed=0) == first
    others = [split_annotations(entries, CLASSES, seed=s)[1] for s in range(1, 6)]
    assert any(o != first[1] for o in others)


def test_list_format_preserved_in_order():
    entries = _entries(20)
    train, test = split_annotations(entries, CLASSES, seed=0)
    assert isinstance(train, list) and isinstance(test, list)
    assert all(e in entries for e in train + test)
    order = [entries.index(e) for e in train]
    assert order == sorted(order)
    assert sorted(entries.index(e) for e in train + test) == list(range(20))


def test_dict_format_preserved():
    entries = {f'rec{i}': e for i, e in enumerate(_entries(20))}
    train, test = split_annotations(entries, CLASSES, seed=0)
    assert isinstance(train, dict) and isinstance(test, dict)
    assert set(train) | set(test) == set(entries) and not set(train) & set(test)
    assert all(train[k] is entries[k] for k in train)
    assert list(train) == [k for k in entries if k in train]


def test_unknown_class_names_recording():
    entries = _entries(10)
    entries[3]['tricks'][0]['labels'] = ['Dance']
    with pytest.raises(ValueError, match=r"01/3-Part1.*'Dance'"):
        split_annotations(entries, CLASSES)


def test_bad_ratio_and_too_few():
    with pytest.raises(ValueError, match='ratio'):
        split_annotations(_entries(10), CLASSES, ratio=1.0)
    with pytest.raises(ValueError, match='at least one'):
        split_annotations(_entries(1), CLASSES)


def test_json_round_trip_and_table(tmp_path):
    entries = _entries(10)
    path = str(tmp_path / 'sub' / 'all.json')
    write_json(path, entries)
    assert load_annotation_file(path) == entries
    assert [p.name for p in (tmp_path / 'sub').iterdir()] == ['all.json']
    train, test = split_annotations(entries, CLASSES)
    table = format_count_table(train, test, CLASSES).splitlines()
    tr, te = class_counts(train, CLASSES), class_counts(test, CLASSES)
    assert table[1].split() == ['A', str(tr['A']), str(te['A']), str(tr['A'] + te['A'])]
    assert table[-1].split() == ['recordings', '7', '3', '10']
    with pytest.raises(FileNotFoundError, match='missing.json'):
        load_annotation_file(str(tmp_path / 'missing.json'))
    (tmp_path / 'bad.json').write_text(json.dumps('text'))
    with pytest.raises(ValueError, match='bad.json'):
        load_annotation_file(str(tmp_path / 'bad.json'))
