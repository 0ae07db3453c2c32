"""Section 2: fbank windows of one audio track, one fbank per track vs one per window."""
import numpy as np
import torch
import torchaudio

from ...datasets.transforms import LoadAudioFbank
from ...datasets.transforms.load_audio_fbank import (AST_FBANK_MEAN, AST_FBANK_STD,
                                                     FBANK_FLOOR, FBANK_FRAMES_PER_SECOND,
                                                     decode_audio_track, kaldi_fbank)
from .measure import ratio_rows, time_interleaved
from .recording import GRID_FPS, RECORDING_ID, grid_indices, one_view_results


def bench_audio(path: str, clip_len: int, repeats: int) -> dict:
    """Fbank windows of one track: whole-track fbank sliced (ours) vs one fbank per window.

    Both must give the same windows (checked first; that run is also the warm-up).
    """
    grid, _ = grid_indices(path, clip_len)
    load = LoadAudioFbank()
    shift = load.sample_rate // FBANK_FRAMES_PER_SECOND  # samples per fbank frame
    frame_length = load.sample_rate * 25 // 1000  # kaldi's 25 ms window

    def decode_and_resample():
        waveform, rate = decode_audio_track(path, RECORDING_ID)
        wav = torch.from_numpy(waveform)[None]
        if rate != load.sample_rate:
            wav = torchaudio.functional.resample(wav, rate, load.sample_rate)
        return wav[0].numpy()

    def ours():
        results = one_view_results(path)
        results['frame_inds'] = grid
        return load(results)['audio'][0]

    def fbank_per_window():
        waveform = decode_and_resample()
        starts = np.round(grid / GRID_FPS * FBANK_FRAMES_PER_SECOND).astype(np.int64)
        out = np.full((len(grid), load.window_frames, load.num_mel_bins), FBANK_FLOOR,
                      dtype=np.float32)  # silence past the end of the track, as ours
        span = (load.window_frames - 1) * shift + frame_length
        for t, start in enumerate(starts):
            segment = waveform[start * shift:start * shift + span]
            if len(segment) >= frame_length:
                fbank = kaldi_fbank(segment, load.sample_rate, load.num_mel_bins,
                                    load.sample_rate)
                out[t, :len(fbank)] = fbank
        if load.normalize:
            out = (out - AST_FBANK_MEAN) / (2 * AST_FBANK_STD)
        return out

    expected, naive = ours(), fbank_per_window()
    max_diff = float(np.abs(expected - naive).max())
    if not np.allclose(expected, naive, atol=1e-3, rtol=1e-4):
        raise RuntimeError(f'per-window fbank differs from LoadAudioFbank by up to {max_diff}')
    cases = {'ours: LoadAudioFbank (one fbank per track, sliced)': ours,
             f'kaldi fbank per window ({clip_len} windows)': fbank_per_window,
             'decode + resample only (shared by both)': decode_and_resample}
    decode_and_resample()  # its warm-up
    rows = ratio_rows(time_interleaved(cases, repeats), next(iter(cases)))
    return dict(windows=clip_len, max_abs_diff=max_diff, rows=rows)
