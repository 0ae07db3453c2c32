import numpy as np
import pytest
import torch
import torchaudio

from mmvicokd.datasets.transforms import LoadAudioFbank
from mmvicokd.datasets.transforms.load_audio_fbank import (FBANK_FLOOR, decode_audio_track,
                                                           kaldi_fbank)

from ..fixtures import write_recording


def _direct_fbank(filename):
    """The reference: decode, resample to 16 kHz, one kaldi fbank call with AST's settings."""
    waveform, rate = decode_audio_track(filename, 'test')
    wav = torch.from_numpy(waveform)[None]
    if rate != 16000:
        wav = torchaudio.functional.resample(wav, rate, 16000)
    return torchaudio.compliance.kaldi.fbank(
        wav, num_mel_bins=128, frame_shift=10, sample_frequency=16000, htk_compat=True,
        window_type='hanning', dither=0.0).numpy()


def _results(info, frame_inds):
    info['frame_inds'] = np.asarray(frame_inds, dtype=np.int64)
    return info


@pytest.mark.parametrize('index, rate', [(0, 16000), (1, 22050)])
def test_windows_match_a_direct_kaldi_call(data_info, index, rate):
    info = data_info(index)
    assert decode_audio_track(info['filenames'][0], 'test')[1] == rate
    frame_inds = [0, 3, 7, 12]
    audio = LoadAudioFbank(normalize=False)(_results(info, frame_inds))['audio']
    assert audio.shape == (3, 4, 40, 128) and audio.dtype == np.float32
    for v, filename in enumerate(info['filenames']):
        fbank = _direct_fbank(filename)
        assert fbank.shape[0] > 590  # about 6 s at 100 frames per second
        for t, i in enumerate(frame_inds):
            start = int(round(i / 2.5 * 100))  # 0, 120, 280, 480
            np.testing.assert_allclose(audio[v, t], fbank[start:start + 40], rtol=1e-5,
                                       atol=1e-4)


def test_each_view_hears_its_own_tone(data_info):
    audio = LoadAudioFbank()(_results(data_info(0), [2, 9]))['audio']
    peak_bins = audio.mean(axis=(1, 2)).argmax(-1)  # tones 300 Hz < 700 Hz < 1500 Hz
    assert peak_bins[0] < peak_bins[1] < peak_bins[2]


def test_window_past_the_track_end_is_padded_with_silence(data_info):
    info = data_info(0)
    # a 0.6 s window at grid frame 14 covers fbank frames 560..619 of a ~6 s (~600) track
    audio = LoadAudioFbank(window=0.6, normalize=False)(_results(info, [14]))['audio']
    assert audio.shape == (3, 1, 60, 128)
    real = _direct_fbank(info['filenames'][0]).shape[0] - 560
    assert 0 < real < 60
    # kaldi's floor: log(float32 eps) = log(2 ** -23) = -23 * log(2)
    assert FBANK_FLOOR == pytest.approx(-15.942385, abs=1e-6)
    assert np.all(audio[:, 0, real:] == np.float32(FBANK_FLOOR))
    assert np.all((audio[:, 0, :real] > FBANK_FLOOR).any(axis=-1))  # every real frame has sound


def test_kaldi_fbank_of_silence_is_the_floor():
    silence = kaldi_fbank(np.zeros(16000, dtype=np.float32), 16000)
    np.testing.assert_allclose(silence, FBANK_FLOOR, rtol=0, atol=1e-5)


def test_ast_normalisation_by_hand(data_info):
    info = data_info(0)
    raw = LoadAudioFbank(window=0.6, normalize=False)(_results(dict(info), [3, 14]))['audio']
    norm = LoadAudioFbank(window=0.6)(_results(dict(info), [3, 14]))['audio']
    # (x + 4.2677393) / (2 * 4.5689974) = (x + 4.2677393) / 9.1379948
    np.testing.assert_allclose(norm, (raw + 4.2677393) / 9.1379948, rtol=1e-5, atol=1e-5)
    # silence past the end: (-15.942385 + 4.2677393) / 9.1379948 = -1.2775938
    assert norm[0, 1, -1, 0] == pytest.approx(-1.2775938, abs=1e-5)
    assert norm.dtype == np.float32


def test_window_length_and_bins_are_configurable(data_info):
    audio = LoadAudioFbank(num_mel_bins=64, window=0.2)(_results(data_info(0), [1]))['audio']
    assert audio.shape == (3, 1, 20, 64)


def test_mp4_without_audio_names_recording_and_file(tmp_path, data_info):
    info = data_info(0)
    entry = write_recording(str(tmp_path), '02/9', num_views=2, seconds=1.0, audio_views=[1])
    info['filenames'] = [str(tmp_path / entry['video_url_1']),
                         str(tmp_path / entry['video_url_2'])]
    with pytest.raises(ValueError, match='no audio track') as err:
        LoadAudioFbank()(_results(info, [0]))
    assert info['recording_id'] in str(err.value)
    assert info['filenames'][1] in str(err.value)


def test_repr():
    assert repr(LoadAudioFbank()) == (
        'LoadAudioFbank(num_mel_bins=128, window=0.4, sample_rate=16000, normalize=True)')
