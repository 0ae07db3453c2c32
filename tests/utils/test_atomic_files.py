"""The one atomic writer: temporary name, rename, clean-up of what killed writers left."""
import json
import os

import pytest

from mmvicokd.utils.atomic_files import atomic_path, write_bytes, write_json, write_text


def test_writes_land_whole_and_leave_no_temporary_file(tmp_path):
    path = str(tmp_path / 'sub' / 'a.json')
    assert write_json(path, {'b': [1, 2]}) == path
    assert json.loads(open(path).read()) == {'b': [1, 2]}
    write_text(str(tmp_path / 't.md'), 'é\n')
    assert (tmp_path / 't.md').read_text(encoding='utf-8') == 'é\n'
    write_bytes(str(tmp_path / 'b.bin'), b'\x00\x01')
    assert (tmp_path / 'b.bin').read_bytes() == b'\x00\x01'
    assert sorted(os.listdir(tmp_path)) == ['b.bin', 'sub', 't.md']
    assert os.listdir(tmp_path / 'sub') == ['a.json']


def test_an_error_keeps_the_old_file_and_removes_the_temporary_one(tmp_path):
    path = str(tmp_path / 'keep.txt')
    write_text(path, 'old')
    with pytest.raises(RuntimeError):
        with atomic_path(path, suffix='.mp4') as tmp:
            assert tmp == f'{path}.tmp-{os.getpid()}.mp4'
            with open(tmp, 'w') as f:
                f.write('half')
            raise RuntimeError('killed half way')
    assert open(path).read() == 'old' and os.listdir(tmp_path) == ['keep.txt']


def test_temporary_files_of_killed_writers_are_removed_by_the_next_write(tmp_path):
    path = str(tmp_path / 'x.json')
    dead = tmp_path / 'x.json.tmp-999999999'       # no such process
    dead_suffixed = tmp_path / 'x.json.tmp-999999998.mp4'
    alive = tmp_path / f'x.json.tmp-{os.getppid()}'  # a running process: left alone
    for stale in (dead, dead_suffixed, alive):
        stale.write_text('partial')
    write_json(path, [1])
    assert sorted(os.listdir(tmp_path)) == sorted(['x.json', alive.name])
