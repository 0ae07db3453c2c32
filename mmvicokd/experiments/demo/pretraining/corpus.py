"""The pre-training corpus: recordings of the synthetic room that the demo never sees.

Recordings are planned and rendered by the synthetic generator itself
(:func:`~mmvicokd.datasets.synthetic.plan_recordings`,
:func:`~mmvicokd.datasets.synthetic.render_recording`) with the ``demo`` preset's durations and
frame size, but seeded by :data:`CORPUS_SEED`: they are the recordings the generator would write
for ``--seed CORPUS_SEED``, never those of the demo's data seeds (0, 1, 2, ...). They stay in
memory (no mp4 round trip) and are sampled as the demo's pipeline samples its inputs: frames on
the 2.5-FPS grid resized square (as ``DecodeMultiViewVideo``), and per frame the 0.4-s kaldi
fbank window that starts there, normalised as AST does (as ``LoadAudioFbank``).
"""
import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np

from ....datasets.functional import slice_fbank_windows
from ....datasets.synthetic.audio import SAMPLE_RATE
from ....datasets.synthetic.episodes import LABEL_FPS, VIDEO_FPS, label_frames
from ....datasets.synthetic.generator import PRESETS, plan_recordings, render_recording
from ....datasets.transforms.load_audio_fbank import (AST_FBANK_MEAN, AST_FBANK_STD, FBANK_FLOOR,
                                                      FBANK_FRAMES_PER_SECOND, kaldi_fbank)
from .attributes import audio_attributes, visual_attributes

#: Seed of the corpus's recordings ('PRET' in ASCII): not a seed the demo's data uses.
CORPUS_SEED = 0x50524554
#: Recordings ``i`` with ``i % HELD_OUT_EVERY == 0`` are held out (whole recordings, all views).
HELD_OUT_EVERY = 8


@dataclass
class Corpus:
    """N samples: one frame of one view with its audio window and generic labels.

    Attributes:
        frames: (N, 3, S, S) uint8 RGB frames.
        audio: (N, Fa, 128) float32 fbank windows (time x mel), AST-normalised.
        visual: (N, Kv) float32 multi-hot :data:`.attributes.VISUAL_ATTRIBUTES`.
        sound: (N, Ka) float32 multi-hot :data:`.attributes.AUDIO_ATTRIBUTES`.
        recording: (N,) int64 index of the sample's recording.
    """

    frames: np.ndarray
    audio: np.ndarray
    visual: np.ndarray
    sound: np.ndarray
    recording: np.ndarray

    @property
    def held_out(self) -> np.ndarray:
        """(N,) bool: the samples of the held-out recordings."""
        return self.recording % HELD_OUT_EVERY == 0

    @property
    def num_recordings(self) -> int:
        return int(self.recording.max()) + 1


def _preset(num_recordings: int):
    return dataclasses.replace(PRESETS['demo'], num_recordings=num_recordings)


def corpus_plans(num_recordings: int) -> list:
    """``(recording id, entry, episode)`` of the corpus's recordings (as ``plan_recordings``)."""
    return plan_recordings(_preset(num_recordings), CORPUS_SEED)


def _recording_samples(index: int, episode, spec, img_size: int, window_frames: int) -> tuple:
    """The samples of one recording, views in order: the :class:`Corpus` fields for its
    ``5 * T_full`` samples (T_full grid frames per view)."""
    grid = np.arange(len(label_frames(episode)))
    ticks = label_frames(episode)
    window_ticks = int(round(window_frames / FBANK_FRAMES_PER_SECOND * VIDEO_FPS))
    sound = audio_attributes(episode, ticks, window_ticks)
    frames, audio, visual = [], [], []
    for view, video, wave in render_recording(index, episode, spec, CORPUS_SEED):
        frames.append(np.stack([cv2.resize(f, (img_size, img_size),
                                           interpolation=cv2.INTER_LINEAR)
                                for f in video[ticks]]).transpose(0, 3, 1, 2))
        fbank = kaldi_fbank(wave, SAMPLE_RATE)
        windows = slice_fbank_windows(fbank, grid, LABEL_FPS, window_frames,
                                      FBANK_FRAMES_PER_SECOND, FBANK_FLOOR)
        audio.append((windows - AST_FBANK_MEAN) / np.float32(2 * AST_FBANK_STD))
        visual.append(visual_attributes(episode, view, ticks))
    count = len(frames) * len(ticks)
    return (np.concatenate(frames), np.concatenate(audio), np.concatenate(visual),
            np.tile(sound, (len(frames), 1)), np.full(count, index, dtype=np.int64))


def build_corpus(num_recordings: int, img_size: int, window_frames: int,
                 progress: bool = True) -> Corpus:
    """Render and sample the corpus (see the module docstring).

    Args:
        num_recordings: recordings (5 views each, 12-20 s, 30-50 grid frames per view).
        img_size: frame side S in pixels (the encoder's input).
        window_frames: fbank frames Fa per audio window (the AST's ``input_tdim``).
        progress: show a progress bar.
    """
    from mmengine.utils import track_iter_progress
    spec = _preset(num_recordings)
    plans = list(enumerate(corpus_plans(num_recordings)))
    parts = [_recording_samples(index, episode, spec, img_size, window_frames)
             for index, (_, _, episode) in (track_iter_progress(plans) if progress else plans)]
    return Corpus(*(np.concatenate(p) for p in zip(*parts)))
