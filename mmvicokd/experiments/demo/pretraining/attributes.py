"""Generic per-frame labels of the pre-training corpus: stand-ins for ImageNet-21k and AudioSet.

They are not the 16 action classes but what the renderer knows of a frame:

* visual (per view and 2.5-FPS frame): whether the view sees the actor, whether the actor is
  seated or walking, the zone the actor stands in, and which objects are drawn (an object is a
  shape and a colour, as ImageNet labels "cup" or "laptop", whatever the action);
* audio (per 0.4-s window, the same for every view): which sound sources sound in it (the
  synthesiser kinds of :mod:`~mmvicokd.datasets.synthetic.audio`, as AudioSet labels "vacuum
  cleaner" or "typing") and footsteps.

An action and its look or sound are often one-to-one here, as "laptop" and UseLaptop are in real
footage; the pairs that differ only by sound (TurnOnLamp / TurnOffLamp: one 'tone' source at two
pitches) or only by motion (Open / CloseCurtain, Sitdown / Standup, Enter / Exit) share their
generic labels, and no label says which action, when it starts or how it ends.
"""
import numpy as np

from ....datasets.synthetic.audio import walking
from ....datasets.synthetic.classes import SOUND_SIGNATURES, VISUAL_SIGNATURES
from ....datasets.synthetic.episodes import SEATED_SCALE, Episode
from ....datasets.synthetic.room import ZONES, visibility

#: The actor stands in a zone within this floor distance of the zone's point (cleaning sweeps
#: reach 0.1 from it; the zones nearest to each other are 0.23 apart).
ZONE_RADIUS = 0.12

OBJECTS = tuple(sorted({f'{sig.shape} {sig.colour}' for sig in VISUAL_SIGNATURES.values()
                        if sig.shape != 'none'}))
VISUAL_ATTRIBUTES = ('actor', 'seated', 'walking', *(f'at {zone}' for zone in ZONES), *OBJECTS)
SOUND_SOURCES = tuple(sorted({sig.kind for sig in SOUND_SIGNATURES.values()}))
AUDIO_ATTRIBUTES = (*SOUND_SOURCES, 'footsteps')


def visual_attributes(episode: Episode, view: int, ticks: np.ndarray) -> np.ndarray:
    """Multi-hot :data:`VISUAL_ATTRIBUTES` of 0-based ``view`` at video frames ``ticks``.

    Follows :func:`~mmvicokd.datasets.synthetic.render.render_view`: a view that does not see
    the actor shows nothing but the room; one that does shows the actor and the objects of the
    first two active actions.

    Returns:
        (T, len(VISUAL_ATTRIBUTES)) float32 of 0/1.
    """
    index = {name: i for i, name in enumerate(VISUAL_ATTRIBUTES)}
    seen = visibility(episode.inside, episode.positions)[view]
    moving = walking(episode)
    zones = np.array(list(ZONES.values()))
    out = np.zeros((len(ticks), len(VISUAL_ATTRIBUTES)), dtype=np.float32)
    for row, tick in enumerate(int(t) for t in ticks):
        if not seen[tick]:
            continue
        names = ['actor']
        if episode.scales[tick] < (1.0 + SEATED_SCALE) / 2:
            names.append('seated')
        if moving[tick]:
            names.append('walking')
        dist = np.hypot(*(zones - episode.positions[tick]).T)
        if dist.min() <= ZONE_RADIUS:
            names.append(f'at {list(ZONES)[int(dist.argmin())]}')
        for label, _ in episode.active(tick)[:2]:
            sig = VISUAL_SIGNATURES[label]
            if sig.shape != 'none':
                names.append(f'{sig.shape} {sig.colour}')
        out[row, [index[name] for name in names]] = 1.0
    return out


def audio_attributes(episode: Episode, ticks: np.ndarray, window_ticks: int) -> np.ndarray:
    """Multi-hot :data:`AUDIO_ATTRIBUTES` of the windows ``[tick, tick + window_ticks)``.

    A source sounds in a window when one of its actions overlaps it; footsteps when the actor
    walks in it (:func:`~mmvicokd.datasets.synthetic.audio.walking`).

    Returns:
        (T, len(AUDIO_ATTRIBUTES)) float32 of 0/1.
    """
    index = {name: i for i, name in enumerate(AUDIO_ATTRIBUTES)}
    moving = walking(episode)
    out = np.zeros((len(ticks), len(AUDIO_ATTRIBUTES)), dtype=np.float32)
    for row, start in enumerate(int(t) for t in ticks):
        stop = start + window_ticks
        for trick in episode.tricks:
            if trick.start < stop and trick.end > start:
                out[row, index[SOUND_SIGNATURES[trick.label].kind]] = 1.0
        if moving[start:stop].any():
            out[row, index['footsteps']] = 1.0
    return out
