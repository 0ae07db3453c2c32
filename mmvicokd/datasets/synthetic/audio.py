"""Synthesise the scene sound of an episode and each view's recording of it.

The scene sound is the sum of the active actions' sounds (:class:`.classes.SoundSignature`),
footsteps while the actor walks and a quiet room tone. Every view records the same scene sound
with a gain that falls with the actor's distance from the camera's field of view, plus its own
sensor noise, as the 5 microphones of one room would.
"""
import numpy as np

from .classes import sound_signature
from .episodes import VIDEO_FPS, Episode
from .room import CAMERAS

SAMPLE_RATE = 16000
_FADE_S = 0.02


def band_noise(n: int, sample_rate: int, low: float, high: float,
               rng: np.random.Generator) -> np.ndarray:
    """(n,) white noise band-limited to ``[low, high]`` Hz, unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    spectrum[(freqs < low) | (freqs > high)] = 0
    out = np.fft.irfft(spectrum, n)
    rms = np.sqrt(np.mean(out ** 2))
    return out / rms if rms > 0 else out


def _bursts(n: int, sample_rate: int, times: np.ndarray, length: float,
            make) -> np.ndarray:
    """Sum of short Hann-windowed bursts ``make(m)`` (m samples) starting at ``times`` (s)."""
    out = np.zeros(n)
    m = max(2, int(length * sample_rate))
    window = np.hanning(m)
    for t in times:
        a = int(t * sample_rate)
        b = min(n, a + m)
        if b > a:
            out[a:b] += (make(m) * window)[:b - a]
    return out


def synthesise(label: str, n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """(n,) float sound of class ``label`` lasting n samples, peak about its signature's level."""
    sig = sound_signature(label)
    t = np.arange(n) / sample_rate
    dur = n / sample_rate
    if sig.kind == 'tone':
        click = _bursts(n, sample_rate, np.array([0.0]), 0.03,
                        lambda m: rng.standard_normal(m))
        out = np.sin(2 * np.pi * sig.freq * t) + 0.3 * np.sin(4 * np.pi * sig.freq * t)
        out = 0.75 * out + 0.5 * click
    elif sig.kind == 'pips':
        gate = ((t * sig.rate) % 1.0) < 0.25
        out = np.sin(2 * np.pi * sig.freq * t) * gate
    elif sig.kind in ('swish', 'vacuum'):
        sweep = 0.4 + 0.6 * np.abs(np.sin(np.pi * sig.rate * 2 * t))
        out = 0.5 * band_noise(n, sample_rate, 2000, 4000, rng) * sweep
        if sig.kind == 'vacuum':
            motor = sum(np.sin(2 * np.pi * sig.freq * k * t) / k for k in range(1, 7))
            out = 0.25 * out + 0.35 * motor + 0.4 * band_noise(n, sample_rate, 50, 1500, rng)
    elif sig.kind == 'rustle':
        envelope = np.interp(t, np.arange(0, dur + 1, 1 / sig.rate),
                             rng.uniform(0.2, 1.0, len(np.arange(0, dur + 1, 1 / sig.rate))))
        out = 0.4 * band_noise(n, sample_rate, sig.freq - 800, sig.freq + 800, rng) * envelope
    elif sig.kind == 'gulp':
        times = np.arange(0.2, dur, 1.0 / sig.rate)
        out = _bursts(n, sample_rate, times, 0.3, lambda m: np.sin(
            2 * np.pi * np.cumsum(np.linspace(sig.freq * 1.3, sig.freq, m)) / sample_rate))
    elif sig.kind in ('crunch', 'typing'):
        if sig.kind == 'crunch':
            times = np.sort(rng.uniform(0, dur, max(1, int(sig.rate * dur))))
        else:
            times = np.arange(0.05, dur, 1.0 / sig.rate) + rng.uniform(0, 0.03, len(
                np.arange(0.05, dur, 1.0 / sig.rate)))
        length = 0.03 if sig.kind == 'crunch' else 0.015
        out = _bursts(n, sample_rate, times, length,
                      lambda m: band_noise(m, sample_rate, 0.6 * sig.freq, 1.4 * sig.freq, rng))
        out = 0.5 * out
    elif sig.kind == 'creak':
        # the door creaks for the whole walk, one sweep every 0.5 s (so every 0.4-s audio
        # window holds one): rising from ``freq`` while it opens (Enter), falling to ``freq``
        # while it closes (Exit); the two classes set different ``freq``
        out = 0.3 * _footsteps(n, sample_rate, rng)
        out += _sweeps(n, sample_rate, sig.freq, 2.5 * sig.freq, sig.rising, 0.5, 0.4)
    elif sig.kind == 'pages':
        times = np.arange(0.3, dur, 1.0 / sig.rate)
        out = 0.5 * _bursts(n, sample_rate, times, 0.35,
                            lambda m: band_noise(m, sample_rate, 3000, 7000, rng))
    elif sig.kind == 'ring':
        alternate = np.where((t * sig.rate).astype(int) % 2 == 0, sig.freq, 1.2 * sig.freq)
        gate = (t % 1.5) < 1.0
        out = np.sin(2 * np.pi * np.cumsum(alternate) / sample_rate) * gate
    elif sig.kind == 'thump':
        # the sofa's springs sound for the whole movement, with a low thump every 0.8 s:
        # a high rising squeak while standing up, a low falling groan while sitting down
        low, high = (3200.0, 4800.0) if sig.rising else (150.0, 300.0)
        out = 0.6 * _sweeps(n, sample_rate, low, high, sig.rising, 0.4, 0.3)
        out += _bursts(n, sample_rate, np.arange(0.1, dur, 0.8), 0.3, lambda k: np.sin(
            2 * np.pi * sig.freq * np.arange(k) / sample_rate) * np.exp(
            -np.arange(k) / (0.06 * sample_rate)))
    else:
        raise ValueError(f'unknown sound kind {sig.kind!r} for class {label}')
    fade = min(n // 2, int(_FADE_S * sample_rate))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        out[:fade] *= ramp
        out[n - fade:] *= ramp[::-1]
    return sig.level * out


def _sweeps(n: int, sample_rate: int, low: float, high: float, rising: bool, period: float,
            length: float) -> np.ndarray:
    """(n,) Hann-windowed sine sweeps between ``low`` and ``high`` Hz, ``length`` s long, one
    every ``period`` s; upwards when ``rising``, else downwards."""
    m = max(2, int(length * sample_rate))
    f = np.linspace(low, high, m) if rising else np.linspace(high, low, m)
    sweep = np.sin(2 * np.pi * np.cumsum(f) / sample_rate)
    return _bursts(n, sample_rate, np.arange(0.0, n / sample_rate, period), length,
                   lambda k: sweep[:k])


def _footsteps(n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    times = np.arange(0.1, n / sample_rate, 0.5) + rng.uniform(0, 0.05)
    return _bursts(n, sample_rate, times, 0.08, lambda m: np.sin(
        2 * np.pi * 70 * np.arange(m) / sample_rate) + 0.3 * rng.standard_normal(m))


def scene_audio(episode: Episode, rng: np.random.Generator,
                sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """(S,) float scene sound of ``episode``, S = duration * sample_rate."""
    n = episode.duration * sample_rate
    per_tick = sample_rate // VIDEO_FPS
    out = 0.003 * band_noise(n, sample_rate, 20, 400, rng)
    for trick in episode.tricks:
        a, b = trick.start * per_tick, min(n, trick.end * per_tick)
        out[a:b] += synthesise(trick.label, b - a, sample_rate, rng)
    steps = 0.08 * _footsteps(n, sample_rate, rng)
    out += steps * np.repeat(walking(episode), per_tick)[:n]
    return out


def walking(episode: Episode) -> np.ndarray:
    """(N,) bool per video frame: the actor moves across the floor in the room outside any
    action, so footsteps sound (:func:`scene_audio`)."""
    moving = np.zeros(episode.num_frames, dtype=bool)
    step = np.hypot(*np.diff(episode.positions, axis=0).T)
    moving[1:] = (step > 0.02) & episode.inside[1:]
    for trick in episode.tricks:
        moving[trick.start:trick.end] = False
    return moving


def view_audio(scene: np.ndarray, episode: Episode, view: int, rng: np.random.Generator,
               sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """(S,) float in [-1, 1]: 0-based ``view``'s recording of the scene sound.

    Gain = 0.3 + 0.7 * exp(-d / 0.35) with d the actor's distance to the centre of the view's
    floor rectangle (per video frame, linearly interpolated), plus view-specific sensor noise.
    """
    x0, x1, y0, y1 = CAMERAS[view].region
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    dist = np.linalg.norm(episode.positions - centre, axis=1)
    gain = 0.3 + 0.7 * np.exp(-dist / 0.35)
    frame_t = (np.arange(episode.num_frames) + 0.5) / VIDEO_FPS
    t = np.arange(len(scene)) / sample_rate
    out = scene * np.interp(t, frame_t, gain)
    out += (0.002 + 0.002 * view) * rng.standard_normal(len(scene))
    return np.clip(out, -1.0, 1.0).astype(np.float32)
