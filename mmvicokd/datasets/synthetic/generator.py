"""Generate the synthetic MultiSensor-Home set (Home-1 layout and schema) on disk.

Layout under ``out_dir`` (the data root is ``out_dir/Home1``; ``video_url_n`` are relative to it)::

    Home1/{01..08}/{id}-View{n}-Part{p}.mp4   # 5 views, H.264 video + AAC mono audio
    Home1/all_labels.json, train.json, test.json
    Home1/human_masks.json                    # recording id -> (5, T_full) true visibility
    Home1/synthetic_summary.json              # written last: marks the set as complete

Every episode is planned from one generator seeded by ``seed`` and then rendered with its own
generator seeded by ``(seed, recording index)``, so the JSON files are byte-identical for equal
seeds and an interrupted run resumes where it stopped: recordings whose 5 mp4 files exist are
skipped (the writer renames each file into place only when complete).
"""
import os
from dataclasses import asdict, dataclass

import numpy as np

from ...utils.atomic_files import write_json
from ..split import class_counts, load_annotation_file, split_annotations
from .audio import SAMPLE_RATE, scene_audio, view_audio
from .classes import CLASSES
from .episodes import (LABEL_FPS, TICKS_PER_LABEL_FRAME, VIDEO_FPS, plan_episode,
                       sample_labels)
from .media_writer import write_av_mp4
from .render import render_view
from .room import NUM_VIEWS, visibility

HOME = 'Home1'
NUM_FOLDERS = 8
SUMMARY_NAME = 'synthetic_summary.json'


@dataclass(frozen=True)
class Preset:
    """Size of a generated set.

    Attributes:
        num_recordings: number of recordings (each has 5 views).
        min_duration, max_duration: recording length range in whole seconds.
        max_tricks: most labelled actions per recording (at least 1).
        width, height: frame size in pixels (even).
        ratio: train fraction of the split (the rest is the test split).
    """

    num_recordings: int
    min_duration: int
    max_duration: int
    max_tricks: int
    width: int = 96
    height: int = 72
    ratio: float = 0.7


PRESETS = {
    'tiny': Preset(num_recordings=6, min_duration=8, max_duration=10, max_tricks=3),
    'demo': Preset(num_recordings=160, min_duration=12, max_duration=20, max_tricks=3),
    'default': Preset(num_recordings=240, min_duration=16, max_duration=28, max_tricks=3),
    # the evidence study (tools/demo.py --study): about the demo's 112 training recordings and
    # a test split 5x the demo's 48, so that paired differences of a few points can be resolved
    'study': Preset(num_recordings=360, min_duration=12, max_duration=20, max_tricks=3,
                    ratio=0.32),
}


def _video_url(folder: int, session: int, part: int, view: int) -> str:
    return f'{folder:02d}/{session}-View{view}-Part{part}.mp4'


def plan_recordings(preset: Preset, seed: int) -> list:
    """Plan every recording: list of ``(recording id, entry, episode)`` in file order.

    Class frequencies are balanced: each draw favours the classes drawn least so far. Sessions
    are spread over the folders 01..08; about one session in four has a second part.
    """
    rng = np.random.default_rng(seed)
    counts = {c: 0 for c in CLASSES}
    plans = []
    session = 0
    while len(plans) < preset.num_recordings:
        session += 1
        folder = (session - 1) % NUM_FOLDERS + 1
        parts = 2 if rng.random() < 0.25 else 1
        for part in range(1, parts + 1):
            if len(plans) == preset.num_recordings:
                break
            episode = None
            while episode is None:
                duration = int(rng.integers(preset.min_duration, preset.max_duration + 1))
                num = int(rng.integers(1, preset.max_tricks + 1))
                labels = sample_labels(rng, counts, num)
                episode = plan_episode(rng, labels, duration)
            for label in {t.label for t in episode.tricks}:
                counts[label] += 1
            entry = {f'video_url_{v}': _video_url(folder, session, part, v)
                     for v in range(1, NUM_VIEWS + 1)}
            entry['tricks'] = episode.annotation_tricks()
            rid = f'{folder:02d}/{session}-Part{part}'
            plans.append((rid, entry, episode))
    return plans


def human_mask_scores(episode) -> list:
    """True per-view visibility on the 2.5-FPS grid: (V, T_full) nested list of 0.0 / 1.0."""
    seen = visibility(episode.inside, episode.positions)
    t_full = int(np.floor(episode.duration * LABEL_FPS))
    grid = seen[:, np.arange(t_full) * TICKS_PER_LABEL_FRAME]
    return grid.astype(float).tolist()


def render_recording(index: int, episode, preset: Preset, seed: int):
    """Render recording ``index`` of the set seeded by ``seed``, one view at a time.

    Its random choices (scene sound, per-view brightness and sensor noise) come from one
    generator seeded by ``(seed, index)``, so a recording renders the same alone or in a set.

    Yields:
        ``(view, frames, audio)`` for the 0-based views in order: frames (N, height, width, 3)
        uint8 at ``VIDEO_FPS``, audio (S,) float32 in [-1, 1] at ``SAMPLE_RATE``.
    """
    rng = np.random.default_rng([seed, index])
    scene = scene_audio(episode, rng, SAMPLE_RATE)
    for view in range(NUM_VIEWS):
        brightness = float(rng.uniform(0.9, 1.1))
        frames = render_view(episode, view, preset.width, preset.height, brightness)
        audio = view_audio(scene, episode, view, rng, SAMPLE_RATE)
        yield view, frames, audio


def _render_recording(root: str, index: int, entry: dict, episode, preset: Preset,
                      seed: int) -> None:
    for view, frames, audio in render_recording(index, episode, preset, seed):
        write_av_mp4(os.path.join(root, entry[f'video_url_{view + 1}']), frames, VIDEO_FPS,
                     audio, SAMPLE_RATE)


def _render_job(job: tuple) -> int:
    root, index, entry, episode, preset, seed = job
    _render_recording(root, index, entry, episode, preset, seed)
    return index


def _recording_done(root: str, entry: dict) -> bool:
    return all(os.path.isfile(os.path.join(root, entry[f'video_url_{v}']))
               for v in range(1, NUM_VIEWS + 1))


def _disk_bytes(root: str) -> int:
    total = 0
    for folder, _, files in os.walk(root):
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total


def generate_synthetic_dataset(out_dir: str, preset: str = 'default', seed: int = 0,
                               ratio: float | None = None, workers: int | None = None) -> dict:
    """Write the synthetic set under ``out_dir`` (see the module docstring) and summarise it.

    Args:
        out_dir: output folder; the data root is ``out_dir/Home1``.
        preset: 'tiny' (tests, seconds), 'demo' (``make demo``), 'study' (``tools/demo.py
            --study``) or 'default'.
        seed: seed of every random choice.
        ratio: train fraction of the split; default: the preset's (0.7 but for 'study').
        workers: processes rendering recordings in parallel (default: one per CPU core);
            the output does not depend on it.

    Returns:
        Summary dict: ``data_root``, ``ann_file`` (all labels), ``train_file``, ``test_file``,
        ``human_mask_file`` (absolute paths), ``preset``, ``seed``, ``ratio``, ``num_recordings``,
        ``num_train``, ``num_test``, ``class_counts`` (name → recordings), ``num_views``,
        ``video_fps``, ``sample_rate``, ``width``, ``height``, ``total_seconds``,
        ``preset_spec`` (the :class:`Preset` as a dict), ``disk_bytes``. A second call with the same arguments returns the stored summary at
        once; a different preset or seed in a finished folder raises ``ValueError``.
    """
    from mmengine.utils import track_parallel_progress, track_progress

    if preset not in PRESETS:
        raise ValueError(f'unknown preset {preset!r}; expected one of {sorted(PRESETS)}')
    spec = PRESETS[preset]
    ratio = spec.ratio if ratio is None else ratio
    root = os.path.join(os.path.abspath(out_dir), HOME)
    summary_file = os.path.join(root, SUMMARY_NAME)
    if os.path.isfile(summary_file):
        summary = load_annotation_file(summary_file)
        if (summary.get('preset'), summary.get('seed'), summary.get('ratio')) != (
                preset, seed, ratio):
            raise ValueError(
                f'{summary_file} describes a synthetic set with preset={summary.get("preset")!r}'
                f', seed={summary.get("seed")}, ratio={summary.get("ratio")}; asked for '
                f'preset={preset!r}, seed={seed}, ratio={ratio}. Use another --out folder.')
        return summary

    plans = plan_recordings(spec, seed)
    todo = [(i, entry, ep) for i, (_, entry, ep) in enumerate(plans)
            if not _recording_done(root, entry)]
    if todo:
        print(f'Generating {len(todo)} of {len(plans)} synthetic recordings in {root}')
        jobs = [(root, index, entry, episode, spec, seed) for index, entry, episode in todo]
        workers = min(len(jobs), workers or os.cpu_count() or 1)
        if workers == 1:
            track_progress(_render_job, jobs)
        else:
            track_parallel_progress(_render_job, jobs, workers, keep_order=False)

    entries = [entry for _, entry, _ in plans]
    train, test = split_annotations(entries, CLASSES, ratio=ratio, seed=seed)
    files = dict(ann_file='all_labels.json', train_file='train.json', test_file='test.json',
                 human_mask_file='human_masks.json')
    write_json(os.path.join(root, files['ann_file']), entries)
    write_json(os.path.join(root, files['train_file']), train)
    write_json(os.path.join(root, files['test_file']), test)
    masks = {rid: human_mask_scores(ep) for rid, _, ep in plans}
    write_json(os.path.join(root, files['human_mask_file']), masks, indent=None)

    summary = dict(
        data_root=root,
        **{key: os.path.join(root, name) for key, name in files.items()},
        preset=preset, seed=seed, ratio=ratio,
        num_recordings=len(entries), num_train=len(train), num_test=len(test),
        class_counts=class_counts(entries, CLASSES),
        num_views=NUM_VIEWS, video_fps=VIDEO_FPS, sample_rate=SAMPLE_RATE,
        width=spec.width, height=spec.height,
        total_seconds=int(sum(ep.duration for _, _, ep in plans)),
        preset_spec=asdict(spec),
    )
    summary['disk_bytes'] = _disk_bytes(root)
    write_json(summary_file, summary)
    return summary
