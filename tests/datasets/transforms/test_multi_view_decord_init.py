import pytest

from mmvicokd.datasets.transforms import MultiViewDecordInit


def test_reads_timing_of_every_view(data_info):
    results = MultiViewDecordInit()(data_info(0))
    assert len(results['video_readers']) == 3
    assert results['total_frames'] == 60  # 6 s at 10 fps
    assert results['avg_fps'] == pytest.approx([10.0, 10.0, 10.0])
    assert results['duration'] == pytest.approx(6.0)
    assert results['num_clip_frames'] == 15  # floor(6 * 2.5)


def test_missing_view_file_names_recording_and_file(data_info, tmp_path):
    info = data_info(0)
    missing = str(tmp_path / 'nowhere-View2-Part1.mp4')
    info['filenames'][1] = missing
    with pytest.raises(FileNotFoundError) as err:
        MultiViewDecordInit()(info)
    assert info['recording_id'] in str(err.value) and missing in str(err.value)


def test_unreadable_view_file_names_recording_and_file(data_info, tmp_path):
    info = data_info(0)
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(b'not an mp4 at all' * 10)
    info['filenames'][0] = str(broken)
    with pytest.raises(RuntimeError) as err:
        MultiViewDecordInit()(info)
    assert info['recording_id'] in str(err.value) and str(broken) in str(err.value)


def test_only_disk_backend():
    with pytest.raises(ValueError, match='disk'):
        MultiViewDecordInit(io_backend='petrel')
    assert repr(MultiViewDecordInit()) == "MultiViewDecordInit(io_backend='disk', num_threads=1)"
