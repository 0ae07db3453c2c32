"""The 16 MultiSensor-Home classes and what each looks and sounds like in the synthetic room.

Every class has a :class:`VisualSignature` (where in the room it happens, the object held by the
actor, how actor and object move) and a :class:`SoundSignature` (the scene sound while it lasts).
Two pairs share their visual signature exactly and differ only by sound, so only a model that
hears can tell them apart:

* ``TurnOnLamp`` / ``TurnOffLamp``: same reach to the lamp, a high versus a low tone;
* ``Clean`` / ``CleanVacuum``: same wiping motion, the vacuum adds a loud motor noise.

``OpenCurtain`` / ``CloseCurtain`` are the reverse case: same rustle, opposite visual motion.
"""
from dataclasses import dataclass

#: Official class names, in the official index order (MultiSensor-Home, Home-1 and Home-2).
CLASSES = ('AdjustAC', 'Clean', 'CleanVacuum', 'CloseCurtain', 'Drink', 'Eat', 'Enter', 'Exit',
           'OpenCurtain', 'ReadBook', 'Sitdown', 'Standup', 'TurnOffLamp', 'TurnOnLamp',
           'UseLaptop', 'UsePhone')


@dataclass(frozen=True)
class VisualSignature:
    """What a class looks like.

    Attributes:
        zone: room zone where the action happens (see :mod:`.room`).
        shape: object drawn next to the actor: 'none', 'square', 'circle', 'triangle', 'bar'
            (horizontal), 'tall' (vertical panel) or 'wide' (flat box).
        colour: RGB colour of the object.
        motion: 'still', 'bob' (object moves up and down), 'jitter' (small fast shakes),
            'wipe' (actor sweeps left and right), 'grow' / 'shrink' (object size follows the
            action's progress), 'sit' / 'stand' (actor shrinks / grows), 'enter' / 'exit'
            (actor walks in through / out of the door).
    """

    zone: str
    shape: str
    colour: tuple
    motion: str


@dataclass(frozen=True)
class SoundSignature:
    """What a class sounds like: a synthesiser ``kind`` (see :mod:`.audio`) and its parameters.

    Attributes:
        kind: 'tone', 'pips', 'swish', 'vacuum', 'rustle', 'gulp', 'crunch', 'creak', 'pages',
            'ring', 'thump' or 'typing'.
        freq: main frequency in Hz (its meaning depends on ``kind``; 0 where unused).
        rate: events per second for event-like sounds (0 where unused).
        level: peak amplitude before the per-view gain.
        rising: for chirps ('creak', 'thump'): whether the pitch rises.
    """

    kind: str
    freq: float = 0.0
    rate: float = 0.0
    level: float = 0.3
    rising: bool = True


_LAMP_VISUAL = VisualSignature('lamp', 'circle', (250, 60, 40), 'bob')
_CLEAN_VISUAL = VisualSignature('floor', 'bar', (240, 220, 30), 'wipe')
_CURTAIN_COLOUR = (150, 60, 200)

VISUAL_SIGNATURES = {
    'AdjustAC': VisualSignature('ac', 'square', (0, 220, 230), 'jitter'),
    'Clean': _CLEAN_VISUAL,
    'CleanVacuum': _CLEAN_VISUAL,
    'CloseCurtain': VisualSignature('window', 'tall', _CURTAIN_COLOUR, 'grow'),
    'Drink': VisualSignature('table', 'circle', (40, 90, 255), 'bob'),
    'Eat': VisualSignature('table', 'triangle', (255, 140, 0), 'bob'),
    'Enter': VisualSignature('door', 'none', (0, 0, 0), 'enter'),
    'Exit': VisualSignature('door', 'none', (0, 0, 0), 'exit'),
    'OpenCurtain': VisualSignature('window', 'tall', _CURTAIN_COLOUR, 'shrink'),
    'ReadBook': VisualSignature('sofa', 'square', (250, 250, 250), 'still'),
    'Sitdown': VisualSignature('sofa', 'none', (0, 0, 0), 'sit'),
    'Standup': VisualSignature('sofa', 'none', (0, 0, 0), 'stand'),
    'TurnOffLamp': _LAMP_VISUAL,
    'TurnOnLamp': _LAMP_VISUAL,
    'UseLaptop': VisualSignature('table', 'wide', (120, 120, 130), 'jitter'),
    'UsePhone': VisualSignature('sofa', 'bar', (20, 200, 60), 'still'),
}

SOUND_SIGNATURES = {
    'AdjustAC': SoundSignature('pips', freq=2500.0, rate=2.0, level=0.25),
    'Clean': SoundSignature('swish', freq=3000.0, rate=0.5, level=0.12),
    'CleanVacuum': SoundSignature('vacuum', freq=140.0, rate=0.5, level=0.35),
    'CloseCurtain': SoundSignature('rustle', freq=2000.0, rate=3.0, level=0.2),
    'Drink': SoundSignature('gulp', freq=260.0, rate=2.5, level=0.3),
    'Eat': SoundSignature('crunch', freq=1200.0, rate=5.0, level=0.25),
    'Enter': SoundSignature('creak', freq=700.0, level=0.25, rising=True),
    'Exit': SoundSignature('creak', freq=250.0, level=0.25, rising=False),
    'OpenCurtain': SoundSignature('rustle', freq=2000.0, rate=3.0, level=0.2),
    'ReadBook': SoundSignature('pages', freq=5000.0, rate=1.5, level=0.2),
    'Sitdown': SoundSignature('thump', freq=90.0, level=0.4, rising=False),
    'Standup': SoundSignature('thump', freq=90.0, level=0.4, rising=True),
    'TurnOffLamp': SoundSignature('tone', freq=500.0, level=0.2),
    'TurnOnLamp': SoundSignature('tone', freq=1800.0, level=0.2),
    'UseLaptop': SoundSignature('typing', freq=5000.0, rate=8.0, level=0.15),
    'UsePhone': SoundSignature('ring', freq=1100.0, rate=4.0, level=0.2),
}

#: Pairs of classes the actor can perform at the same time (one object in each hand).
CONCURRENT_PAIRS = frozenset({('Drink', 'Eat'), ('Drink', 'UseLaptop'), ('Eat', 'UseLaptop'),
                              ('ReadBook', 'UsePhone')})


def _check_name(name: str) -> None:
    if name not in VISUAL_SIGNATURES:
        raise KeyError(f'unknown MultiSensor-Home class {name!r}; expected one of {CLASSES}')


def visual_signature(name: str) -> VisualSignature:
    """The visual signature of class ``name``."""
    _check_name(name)
    return VISUAL_SIGNATURES[name]


def sound_signature(name: str) -> SoundSignature:
    """The sound signature of class ``name``."""
    _check_name(name)
    return SOUND_SIGNATURES[name]


def sound_only_pairs() -> list:
    """Pairs ``(a, b)`` of classes (``a < b``) that look identical and differ only by sound."""
    return [(a, b) for i, a in enumerate(CLASSES) for b in CLASSES[i + 1:]
            if VISUAL_SIGNATURES[a] == VISUAL_SIGNATURES[b]
            and SOUND_SIGNATURES[a] != SOUND_SIGNATURES[b]]
