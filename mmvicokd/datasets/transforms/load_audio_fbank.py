"""Per-view log-mel filterbank windows aligned with the sampled frames (docs/design.md section 3)."""
import itertools

import av
import numpy as np
import torch
import torchaudio
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..functional import slice_fbank_windows

FBANK_FRAMES_PER_SECOND = 100  # kaldi fbank with a 10 ms frame shift
#: What kaldi fbank gives for silence: log of its energy floor, float32 machine epsilon.
FBANK_FLOOR = float(np.log(np.finfo(np.float32).eps))
#: AST's normalisation of kaldi fbank features (Gong et al., 2021; AudioSet statistics):
#: x -> (x - AST_FBANK_MEAN) / (2 * AST_FBANK_STD).
AST_FBANK_MEAN = -4.2677393
AST_FBANK_STD = 4.5689974


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
    round(frame_ind / fps * 100) for every sampled frame. Windows past the end of a track are
    padded with :data:`FBANK_FLOOR` (what kaldi gives for silence; 0 would read as a loud
    sound). With ``normalize`` (the default, for the AST encoder) the windows are then
    normalised as AST's feature extractor does: ``(x - (-4.2677)) / (2 * 4.5690)``, so
    silence becomes ``(FBANK_FLOOR + 4.2677) / 9.1380 = -1.2776``.

    After :class:`LoadMultiViewCache` the whole-track fbanks come from the cache
    (``cached_fbank``, built by :meth:`track_fbanks`; shorter tracks padded to the longest with
    the floor, as the windows are) and only the slicing and normalisation run.

    Required keys: ``recording_id``, ``ann_file``, ``filenames`` (V), ``frame_inds`` (T,),
    ``fps``; from the cache also ``cached_fbank`` (V, S, num_mel_bins) and ``frame_cache``.

    Added keys: ``audio`` np.float32 (V, T, Fa, num_mel_bins).

    Deleted keys: ``cached_fbank``.

    Args:
        num_mel_bins (int): Mel bins. Defaults to 128.
        window (float): Seconds of audio per frame (Fa = round(window * 100)). Defaults to 0.4,
            one 2.5-FPS frame period.
        sample_rate (int): Rate the fbank is computed at. Defaults to 16000.
        normalize (bool): Apply AST's normalisation. Defaults to True.
    """

    def __init__(self, num_mel_bins: int = 128, window: float = 0.4,
                 sample_rate: int = 16000, normalize: bool = True) -> None:
        self.num_mel_bins = num_mel_bins
        self.window = window
        self.sample_rate = sample_rate
        self.normalize = normalize
        self.window_frames = int(round(window * FBANK_FRAMES_PER_SECOND))
        if self.window_frames < 1:
            raise ValueError(f'window must cover at least one 10 ms fbank frame, got {window}')

    def track_fbanks(self, results: dict) -> list[np.ndarray]:
        """Whole-track fbank (S_v, num_mel_bins) float32 of each of the V ``filenames``."""
        where = f"recording {results['recording_id']} (annotation {results['ann_file']})"
        fbanks = []
        for filename in results['filenames']:
            waveform, rate = decode_audio_track(filename, where)
            fbanks.append(kaldi_fbank(waveform, rate, self.num_mel_bins, self.sample_rate))
        return fbanks

    def _from_cache(self, results: dict) -> np.ndarray:
        cache = results['frame_cache']
        cached = (cache['num_mel_bins'], cache['sample_rate'])
        if cached != (self.num_mel_bins, self.sample_rate):
            raise ValueError(
                f"recording {results['recording_id']} (annotation {results['ann_file']}): the "
                f"frame cache {cache['file']} holds fbanks with num_mel_bins={cached[0]} at "
                f"sample_rate={cached[1]} (built by `{cache['command']}`), but LoadAudioFbank "
                f'asks for num_mel_bins={self.num_mel_bins}, sample_rate={self.sample_rate}; '
                f'build a cache with --num-mel-bins {self.num_mel_bins} --sample-rate '
                f"{self.sample_rate} into another --out folder and point LoadMultiViewCache's "
                'cache_dir at it')
        return results.pop('cached_fbank')

    def transform(self, results: dict) -> dict:
        fbanks = (self._from_cache(results) if 'cached_fbank' in results
                  else self.track_fbanks(results))
        audio = np.stack([
            slice_fbank_windows(fbank, results['frame_inds'], results['fps'],
                                self.window_frames, FBANK_FRAMES_PER_SECOND, FBANK_FLOOR)
            for fbank in fbanks])
        if self.normalize:
            audio = (audio - AST_FBANK_MEAN) / (2 * AST_FBANK_STD)
        results['audio'] = audio.astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_mel_bins={self.num_mel_bins}, '
                f'window={self.window}, sample_rate={self.sample_rate}, '
                f'normalize={self.normalize})')
