"""Per-view log-mel filterbank windows aligned with the sampled frames (DESIGN.md section 3)."""
import itertools

import av
import numpy as np
import torch
import torchaudio
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import slice_fbank_windows

FBANK_FRAMES_PER_SECOND = 100  # kaldi fbank with a 10 ms frame shift


def decode_audio_track(filename: str, where: str) -> tuple[np.ndarray, int]:
    """Decode the first audio track of ``filename`` with PyAV: mono waveform (S,) float32, rate.

    Channels are averaged. ``where`` names the recording for error messages.
    """
    try:
        container = av.open(filename)
    except Exception as exc:
        raise RuntimeError(f'{where}: PyAV cannot open {filename}: {exc}') from exc
    with container:
        if not container.streams.audio:
            raise ValueError(f'{where}: {filename} has no audio track')
        stream = container.streams.audio[0]
        to_planar_float = av.AudioResampler(format='fltp')
        chunks = []
        for frame in itertools.chain(container.decode(stream), [None]):  # None: flush
            for planar in to_planar_float.resample(frame):
                chunks.append(planar.to_ndarray().mean(axis=0))
        sample_rate = stream.rate
    if not chunks or sum(len(c) for c in chunks) == 0:
        raise ValueError(f'{where}: the audio track of {filename} holds no samples')
    return np.concatenate(chunks).astype(np.float32), int(sample_rate)


def kaldi_fbank(waveform: np.ndarray, sample_rate: int, num_mel_bins: int = 128,
                target_rate: int = 16000) -> np.ndarray:
    """Resample a mono waveform (S,) to ``target_rate`` and return its kaldi fbank (F, M).

    AST's front end: 10 ms shift, 25 ms Hanning window, HTK-compatible mel bins, no dither.
    """
    wav = torch.from_numpy(np.ascontiguousarray(waveform, dtype=np.float32))[None]
    if sample_rate != target_rate:
        wav = torchaudio.functional.resample(wav, sample_rate, target_rate)
    fbank = torchaudio.compliance.kaldi.fbank(
        wav, num_mel_bins=num_mel_bins, frame_shift=1000 / FBANK_FRAMES_PER_SECOND,
        sample_frequency=target_rate, htk_compat=True, window_type='hanning', dither=0.0)
    return fbank.numpy()


@TRANSFORMS.register_module()
class LoadAudioFbank(BaseTransform):
    """Fbank windows of each view's own audio track at the sampled frame times.

    Per view: decode the track once (PyAV), mono, resample to ``sample_rate``, one kaldi fbank
    over the whole track, then cut Fa = round(window * 100) fbank frames starting at
    round(frame_ind / fps * 100) for every sampled frame, zero-padded past the end.

    Required keys: ``recording_id``, ``ann_file``, ``filenames`` (V), ``frame_inds`` (T,),
    ``fps``.

    Added keys: ``audio`` np.float32 (V, T, Fa, num_mel_bins).

    Args:
        num_mel_bins (int): Mel bins. Defaults to 128.
        window (float): Seconds of audio per frame (Fa = round(window * 100)). Defaults to 0.4,
            one 2.5-FPS frame period.
        sample_rate (int): Rate the fbank is computed at. Defaults to 16000.
    """

    def __init__(self, num_mel_bins: int = 128, window: float = 0.4,
                 sample_rate: int = 16000) -> None:
        self.num_mel_bins = num_mel_bins
        self.window = window
        self.sample_rate = sample_rate
        self.window_frames = int(round(window * FBANK_FRAMES_PER_SECOND))
        if self.window_frames < 1:
            raise ValueError(f'window must cover at least one 10 ms fbank frame, got {window}')

    def transform(self, results: dict) -> dict:
        where = f"recording {results['recording_id']} (annotation {results['ann_file']})"
        views = []
        for filename in results['filenames']:
            waveform, rate = decode_audio_track(filename, where)
            fbank = kaldi_fbank(waveform, rate, self.num_mel_bins, self.sample_rate)
            views.append(slice_fbank_windows(fbank, results['frame_inds'], results['fps'],
                                             self.window_frames, FBANK_FRAMES_PER_SECOND))
        results['audio'] = np.stack(views)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_mel_bins={self.num_mel_bins}, '
                f'window={self.window}, sample_rate={self.sample_rate})')
