"""tools/make_split.py as a command (its ``main`` in this process, as the shell calls it)."""
import json

import pytest

from ..helpers.trained_runs import tool
CLASSES = ('AdjustAC', 'Clean', 'Drink', 'Eat', 'Sitdown')


def _entries(n):
    out = []
    for i in range(n):
        entry = {f'video_url_{v}': f'0{i % 8 + 1}/{i}-View{v}-Part1.mp4' for v in range(1, 6)}
        names = [CLASSES[i % 5], CLASSES[(i * 3 + 1) % 5]]
        entry['tricks'] = [dict(start=1.0, end=3.0, labels=[names[0]]),
                           dict(start=2.0, end=4.5, labels=[names[1]])]
        out.append(entry)
    return out


def _run(capsys, *args) -> str:
    """Run the tool; what it printed."""
    assert tool('make_split.py')(list(args)) in (None, 0)
    return capsys.readouterr().out


def test_make_split_cli(tmp_path, capsys):
    entries = _entries(20)
    ann = tmp_path / 'all_labels.json'
    ann.write_text(json.dumps(entries))
    out = tmp_path / 'split'
    printed = _run(capsys, '--ann-file', str(ann), '--out-dir', str(out), '--train-name',
                   'train_data.json', '--test-name', 'test_data.json', '--ratio', '0.7',
                   '--seed', '3')
    train = json.loads((out / 'train_data.json').read_text())
    test = json.loads((out / 'test_data.json').read_text())
    assert (len(train), len(test)) == (14, 6)
    assert sorted(e['video_url_1'] for e in train + test) == sorted(
        e['video_url_1'] for e in entries)
    assert all(e in entries for e in train + test)  # entries unchanged
    lines = printed.splitlines()
    assert lines[0].split() == ['class', 'train', 'test', 'total']
    row = next(line.split() for line in lines if line.startswith('Drink '))
    def drink(side):
        return sum(any(t['labels'] == ['Drink'] for t in e['tricks']) for e in side)
    assert row[1:] == [str(drink(train)), str(drink(test)), str(drink(entries))]
    assert drink(train) > 0 and drink(test) > 0
    assert any(line.split() == ['recordings', '14', '6', '20'] for line in lines)
    # same seed, same files
    _run(capsys, '--ann-file', str(ann), '--out-dir', str(tmp_path / 'again'), '--seed', '3')
    assert json.loads((tmp_path / 'again' / 'test.json').read_text()) == test


def test_make_split_cli_names_file_on_bad_label(tmp_path):
    entries = _entries(6)
    entries[2]['tricks'][0]['labels'] = ['Juggle']
    ann = tmp_path / 'labels.json'
    ann.write_text(json.dumps(entries))
    with pytest.raises(ValueError) as err:  # a traceback and exit status 1 from the shell
        tool('make_split.py')(['--ann-file', str(ann), '--out-dir', str(tmp_path)])
    assert 'labels.json' in str(err.value) and 'Juggle' in str(err.value)
    assert not (tmp_path / 'train.json').exists()
