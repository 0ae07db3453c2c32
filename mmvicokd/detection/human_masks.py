"""Human-mask scores of whole annotation files: (V, T_full) per recording, resumable.

Frames are taken on the 2.5-FPS grid exactly as the data pipeline samples them
(``MultiViewDecordInit`` / ``DecodeMultiViewVideo``): T_full = max(1, floor(duration * 2.5)) with
the shortest view's duration, native frame = min(round(i / 2.5 * avg_fps), N - 1).
"""
import os

import numpy as np

from ..datasets.functional import num_clip_frames, video_frame_indices
from ..datasets.split import load_annotation_file, recording_id
from ..utils.atomic_files import write_json

FPS = 2.5


def recording_views(rid: str, entry: dict, ann_file: str) -> list:
    """``video_url_1..V`` of an entry, in view order; views must be numbered 1..V."""
    views = sorted(int(k[len('video_url_'):]) for k in entry if k.startswith('video_url_'))
    if not views or views != list(range(1, len(views) + 1)):
        raise ValueError(f'{ann_file}: recording {rid} must have video_url_1..video_url_V, '
                         f'got views {views}')
    return [entry[f'video_url_{v}'] for v in views]


def grid_frames(paths: list, rid: str) -> list:
    """Decode every view on the 2.5-FPS grid: list of V arrays (T_full, H, W, 3) uint8 RGB."""
    import decord

    readers = []
    for path in paths:
        if not os.path.isfile(path):
            raise FileNotFoundError(f'recording {rid}: view file not found: {path}')
        try:
            readers.append(decord.VideoReader(path))
        except Exception as exc:  # decord raises its own DECORDError
            raise RuntimeError(f'recording {rid}: decord cannot read {path}: {exc}') from exc
    t_full = min(num_clip_frames(len(r) / r.get_avg_fps(), FPS) for r in readers)
    out = []
    for reader in readers:
        inds = video_frame_indices(np.arange(t_full), FPS, reader.get_avg_fps(), len(reader))
        out.append(reader.get_batch(inds.tolist()).asnumpy())
    return out


def extract_human_masks(ann_files: list, data_root: str, out_file: str, scorer) -> dict:
    """Score every recording of ``ann_files`` and write ``{recording id: (V, T_full) list}``.

    Recordings already in ``out_file`` are skipped; the file is rewritten atomically after each
    recording, so an interrupted run resumes where it stopped.

    Args:
        ann_files: official-format annotation files (list or dict keyed by recording id).
        data_root: folder the ``video_url_n`` paths are relative to.
        out_file: output JSON.
        scorer: callable (N, H, W, 3) uint8 RGB → (N,) scores, e.g. a ``PersonScorer``.

    Returns:
        The full mapping written to ``out_file``.
    """
    from mmengine.utils import ProgressBar

    masks = load_annotation_file(out_file) if os.path.isfile(out_file) else {}
    if not isinstance(masks, dict):
        raise ValueError(f'{out_file}: expected a dict keyed by recording id')
    todo = {}
    for ann_file in ann_files:
        data = load_annotation_file(ann_file)
        items = data.items() if isinstance(data, dict) else (
            (recording_id(e), e) for e in data)
        for rid, entry in items:
            if rid not in masks:
                todo[rid] = [os.path.join(data_root, url)
                             for url in recording_views(rid, entry, ann_file)]
    if not todo:
        return masks
    bar = ProgressBar(len(todo))
    for rid, paths in todo.items():
        views = grid_frames(paths, rid)
        masks[rid] = [np.round(scorer(frames), 4).astype(float).tolist() for frames in views]
        write_json(out_file, masks, indent=None)
        bar.update()
    print()
    return masks
