"""Plan one recording: which actions, in which order, and where the actor is at every video frame.

Time is counted in ticks of one video frame (``1 / VIDEO_FPS`` s), so trick boundaries, video
frames and the 2.5-FPS label/mask grid (every 4th tick) line up exactly.

Rules that keep the episodes physically plausible and the labels honest:

* ``Enter`` is always first (the actor starts outside), ``Exit`` always last (the actor ends
  outside);
* ``Sitdown`` comes before the other sofa actions and ``Standup`` after them; a ``Standup``
  without ``Sitdown`` means the actor starts seated, a ``Sitdown`` without ``Standup`` that the
  actor ends seated;
* actions happen in their zone; between zones the actor walks in a straight line;
* only the pairs in :data:`.classes.CONCURRENT_PAIRS` overlap in time.
"""
from dataclasses import dataclass

import numpy as np

from .classes import CLASSES, CONCURRENT_PAIRS, visual_signature
from .room import OUTSIDE, WIPE_AMPLITUDE, ZONES

VIDEO_FPS = 10
LABEL_FPS = 2.5
TICKS_PER_LABEL_FRAME = 4  # VIDEO_FPS / LABEL_FPS
WALK_SPEED = 0.5  # floor units per second
SEATED_SCALE = 0.7
WIPE_PERIOD = 2.0  # seconds per sweep (matches the swish modulation in .audio)

# Trick durations in seconds before stretching: (low, high) per motion kind.
_BASE_DURATION = {'enter': (2.0, 3.0), 'exit': (2.0, 3.0), 'sit': (1.5, 2.5),
                  'stand': (1.5, 2.5)}
_DEFAULT_DURATION = (2.5, 4.5)
_MIN_DURATION = 1.2
_MAX_STRETCH = 1.6


@dataclass(frozen=True)
class Trick:
    """One labelled action, in ticks: active on ``[start, end)``."""

    label: str
    start: int
    end: int


@dataclass
class Episode:
    """A planned recording.

    Attributes:
        duration: length in whole seconds.
        tricks: the labelled actions, sorted by start.
        inside: (N,) bool, actor in the room, per video frame (N = duration * VIDEO_FPS).
        positions: (N, 2) float floor position per video frame.
        scales: (N,) float body scale per video frame (1 standing, SEATED_SCALE seated).
        shirt: RGB colour of the actor's body.
    """

    duration: int
    tricks: list
    inside: np.ndarray
    positions: np.ndarray
    scales: np.ndarray
    shirt: tuple

    @property
    def num_frames(self) -> int:
        return self.duration * VIDEO_FPS

    def active(self, tick: int) -> list:
        """``(label, progress in [0, 1))`` of the tricks active at video frame ``tick``."""
        return [(t.label, (tick - t.start) / (t.end - t.start))
                for t in self.tricks if t.start <= tick < t.end]

    def annotation_tricks(self) -> list:
        """Tricks in the official annotation format (seconds)."""
        return [dict(start=round(t.start / VIDEO_FPS, 1), end=round(t.end / VIDEO_FPS, 1),
                     labels=[t.label]) for t in self.tricks]


SHIRTS = ((95, 45, 45), (45, 75, 45), (60, 60, 95), (100, 80, 50), (75, 75, 75), (30, 30, 30))


def is_valid_combination(labels) -> bool:
    """Whether the actions ``labels`` can share one episode under the module's ordering rules."""
    labels = set(labels)
    starts_seated = 'Standup' in labels and 'Sitdown' not in labels
    ends_seated = 'Sitdown' in labels and 'Standup' not in labels
    return not ((starts_seated and 'Enter' in labels) or (ends_seated and 'Exit' in labels))


def _partners(label: str) -> list:
    return sorted(b if a == label else a for a, b in CONCURRENT_PAIRS if label in (a, b))


def sample_labels(rng: np.random.Generator, counts: dict, num_tricks: int) -> list:
    """Draw ``num_tricks`` distinct classes, favouring the classes drawn least so far.

    After the first class, each next one is, with probability 0.4, a class that can be done at
    the same time as the previous one (:data:`.classes.CONCURRENT_PAIRS`), so that episodes with
    overlapping actions are common.

    Args:
        rng: the random generator.
        counts: class name → number of episodes drawn so far with that class (not modified).
        num_tricks: number of distinct classes to draw.
    """
    weights = np.array([1.0 / (1.0 + counts[c]) ** 2 for c in CLASSES])
    while True:
        labels = []
        while len(labels) < num_tricks:
            partners = [p for p in _partners(labels[-1]) if p not in labels] if labels else []
            if partners and rng.random() < 0.4:
                labels.append(partners[int(rng.integers(len(partners)))])
                continue
            free = np.array([c not in labels for c in CLASSES])
            p = weights * free
            labels.append(CLASSES[int(rng.choice(len(CLASSES), p=p / p.sum()))])
        if is_valid_combination(labels):
            return labels


def _order_stops(rng: np.random.Generator, labels: list) -> list:
    """Group ``labels`` into stops ``(zone, [labels in order])`` in visiting order."""
    by_zone = {}
    for label in labels:
        if label in ('Enter', 'Exit'):
            continue
        by_zone.setdefault(visual_signature(label).zone, []).append(label)
    zones = sorted(by_zone)
    zones = [zones[i] for i in rng.permutation(len(zones))]
    for zone, group in by_zone.items():
        order = rng.permutation(len(group))
        by_zone[zone] = [group[i] for i in order]
    if 'sofa' in by_zone:
        group = by_zone['sofa']
        middle = [g for g in group if g not in ('Sitdown', 'Standup')]
        by_zone['sofa'] = ((['Sitdown'] if 'Sitdown' in group else []) + middle
                           + (['Standup'] if 'Standup' in group else []))
        zones.remove('sofa')
        if 'Standup' in group and 'Sitdown' not in group:
            zones.insert(0, 'sofa')
        elif 'Sitdown' in group and 'Standup' not in group:
            zones.append('sofa')
        else:
            zones.insert(int(rng.integers(len(zones) + 1)), 'sofa')
    stops = [(zone, by_zone[zone]) for zone in zones]
    if 'Enter' in labels:
        stops.insert(0, ('door', ['Enter']))
    if 'Exit' in labels:
        stops.append(('door', ['Exit']))
    return stops


def _base_duration(rng: np.random.Generator, label: str) -> float:
    low, high = _BASE_DURATION.get(visual_signature(label).motion, _DEFAULT_DURATION)
    return float(rng.uniform(low, high))


def _stop_schedule(rng: np.random.Generator, group: list, durations: dict) -> tuple:
    """Relative ``(label, start_s, end_s)`` for a stop's actions, and the stop's length (s)."""
    schedule = []
    end = 0.0
    for label in group:
        if schedule:
            prev_label, prev_start, prev_end = schedule[-1]
            pair = tuple(sorted((prev_label, label)))
            if pair in CONCURRENT_PAIRS and rng.random() < 0.8:
                # At most two actions at once: wait until the earlier ones have ended.
                earlier_end = max((e for _, _, e in schedule[:-1]), default=0.0)
                start = max(earlier_end,
                            prev_start + float(rng.uniform(0.3, 0.7)) * (prev_end - prev_start))
            else:
                start = end + float(rng.uniform(0.0, 0.5))
        else:
            start = 0.0
        schedule.append((label, start, start + durations[label]))
        end = max(end, start + durations[label])
    return schedule, end


def _distance(a, b) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


def plan_episode(rng: np.random.Generator, labels: list, duration: int) -> Episode | None:
    """Lay out ``labels`` over ``duration`` seconds, or return None if they do not fit.

    Args:
        rng: the random generator.
        labels: distinct class names satisfying :func:`is_valid_combination`.
        duration: recording length in whole seconds.
    """
    if not is_valid_combination(labels):
        raise ValueError(f'classes {labels} cannot share one episode')
    stops = _order_stops(rng, labels)
    jitter = {zone: (float(rng.uniform(-0.02, 0.02)), float(rng.uniform(-0.02, 0.02)))
              for zone, _ in stops}
    points = [(ZONES[z][0] + jitter[z][0], ZONES[z][1] + jitter[z][1]) for z, _ in stops]
    starts_outside = 'Enter' in labels
    starts_seated = 'Standup' in labels and 'Sitdown' not in labels
    if starts_outside:
        start_point = OUTSIDE
    elif starts_seated:
        start_point = points[0]
    else:
        start_point = (float(rng.uniform(0.15, 0.85)), float(rng.uniform(0.15, 0.85)))

    # Walks: to each stop from the previous stop's point (Enter starts at the door point after
    # walking in; Exit walks out from the door point as its action).
    walks = []
    prev = start_point
    for (zone, group), point in zip(stops, points):
        if group == ['Enter']:
            walks.append(0.0)
        else:
            walks.append(_distance(prev, point) / WALK_SPEED)
        prev = point

    durations = {label: _base_duration(rng, label) for label in labels}
    schedules = [_stop_schedule(rng, group, durations) for _, group in stops]
    # Stretch or compress all actions (and the gaps between them) by one factor to fit.
    reserves = np.zeros(len(stops) + 1)
    reserves[0] = 0.4 if starts_outside else 0.0
    reserves[-1] = 0.4 if 'Exit' in labels else 0.0
    budget = duration - sum(walks) - reserves.sum() - 0.2 * len(stops)
    if budget <= 0:
        return None
    factor = min(_MAX_STRETCH, budget / sum(length for _, length in schedules))
    if min(durations.values()) * factor < _MIN_DURATION:
        return None
    schedules = [([(label, s * factor, e * factor) for label, s, e in sched], length * factor)
                 for sched, length in schedules]
    # Idle slack: before the first stop, between stops and after the last one.
    slack = duration - sum(walks) - sum(length for _, length in schedules) - reserves.sum()
    shares = reserves + rng.dirichlet(np.ones(len(stops) + 1)) * slack

    n = duration * VIDEO_FPS
    inside = np.zeros(n, dtype=bool)
    positions = np.zeros((n, 2), dtype=np.float64)
    scales = np.ones(n, dtype=np.float64)
    tricks = []

    clock = 0.0
    pos = start_point
    scale = SEATED_SCALE if starts_seated else 1.0
    in_room = not starts_outside

    def fill(t0: float, t1: float, p0, p1, s0: float, s1: float, room: bool):
        a, b = _tick(t0), min(_tick(t1), n)
        if b <= a:
            return
        frac = (np.arange(a, b) - a + 0.5) / (b - a)
        positions[a:b] = np.asarray(p0) + frac[:, None] * (np.asarray(p1) - np.asarray(p0))
        scales[a:b] = s0 + frac * (s1 - s0)
        inside[a:b] = room

    for i, ((zone, group), point) in enumerate(zip(stops, points)):
        fill(clock, clock + shares[i], pos, pos, scale, scale, in_room)
        clock += shares[i]
        fill(clock, clock + walks[i], pos, point, scale, scale, in_room)
        clock += walks[i]
        if group != ['Enter']:
            pos = point
        sched, length = schedules[i]
        fill(clock, clock + length, pos, pos, scale, scale, in_room)
        for label, rel_start, rel_end in sched:
            t0, t1 = clock + rel_start, clock + rel_end
            motion = visual_signature(label).motion
            a, b = _tick(t0), min(_tick(t1), n)
            tricks.append(Trick(label, a, b))
            if motion == 'enter':
                fill(t0, t1, OUTSIDE, point, scale, scale, True)
                inside[a:b] = positions[a:b, 0] >= 0.0
                pos, in_room = point, True
                fill(t1, clock + length, pos, pos, scale, scale, True)
            elif motion == 'exit':
                fill(t0, t1, point, OUTSIDE, scale, scale, True)
                inside[a:b] = positions[a:b, 0] >= 0.0
                pos, in_room = OUTSIDE, False
                fill(t1, clock + length, pos, pos, scale, scale, False)
            elif motion in ('sit', 'stand'):
                target = SEATED_SCALE if motion == 'sit' else 1.0
                fill(t0, t1, pos, pos, scale, target, in_room)
                scale = target
                fill(t1, clock + length, pos, pos, scale, scale, in_room)
            elif motion == 'wipe':
                ticks = np.arange(a, b)
                phase = 2 * np.pi * (ticks - a) / (WIPE_PERIOD * VIDEO_FPS)
                positions[a:b, 0] = pos[0] + WIPE_AMPLITUDE * np.sin(phase)
                positions[a:b, 1] = pos[1]
        clock += length
    fill(clock, duration, pos, pos, scale, scale, in_room)
    tricks.sort(key=lambda t: (t.start, t.end, t.label))
    shirt = SHIRTS[int(rng.integers(len(SHIRTS)))]
    return Episode(duration, tricks, inside, positions, scales, shirt)


def _tick(seconds: float) -> int:
    return int(round(seconds * VIDEO_FPS))


def label_frames(episode: Episode) -> np.ndarray:
    """Ticks of the 2.5-FPS grid: (T_full,) int, T_full = floor(duration * LABEL_FPS)."""
    t_full = int(np.floor(episode.duration * LABEL_FPS))
    return np.arange(t_full) * TICKS_PER_LABEL_FRAME
