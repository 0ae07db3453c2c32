"""What a per-recording cache was built from: the view files, their stamps and staleness.

Shared by the frame cache (:mod:`.frame_cache`) and the encoder-feature cache
(:mod:`.feature_cache`, :mod:`.feature_extraction`): both stamp each view file (name, size,
mtime) when they build a recording's file, call that file stale when a view file changed since,
and gather the recordings of several annotation files into one list.
"""
import os
import os.path as osp
from typing import Dict, Sequence


def source_stamp(filename: str) -> dict:
    """``dict(name=basename, size=bytes, mtime_ns=int)`` of a view file."""
    stat = os.stat(filename)
    return dict(name=osp.basename(filename), size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def sources_stale_reason(meta: dict, built_fps: float, filenames: Sequence[str],
                         views: Sequence[int], fps: float, made: str,
                         since: str) -> str | None:
    """Why a recording's cache file cannot serve ``views`` (1-based) of ``filenames``, else None.

    Stale: built at another fps than the dataset's, without a requested view, or a view file
    renamed, missing or changed (size or mtime) since.

    Args:
        meta: the file's meta, with ``views`` and per-view ``sources`` (:func:`source_stamp`).
        built_fps: the grid fps the file was built at.
        filenames, views, fps: what the dataset reads now.
        made: how a view's data came from its file in the message, e.g. ``'cached'``.
        since: when the stamps were taken in the message, e.g. ``'the cache was built'``.
    """
    if built_fps != fps:
        return f'it was built at fps {built_fps}, the dataset uses {fps}'
    missing = [v for v in views if v not in meta['views']]
    if missing:
        return f"it holds views {meta['views']}, not {missing}"
    for view, filename in zip(views, filenames):
        cached = meta['sources'][meta['views'].index(view)]
        if cached['name'] != osp.basename(filename):
            return f"view {view} was {made} from {cached['name']}, the dataset reads {filename}"
        if not osp.isfile(filename):
            return f'its source {filename} does not exist'
        now = source_stamp(filename)
        if (now['size'], now['mtime_ns']) != (cached['size'], cached['mtime_ns']):
            return (f"{filename} changed since {since} (size {cached['size']} -> "
                    f"{now['size']} bytes, mtime_ns {cached['mtime_ns']} -> {now['mtime_ns']})")
    return None


def add_recordings(infos: Dict[str, dict], dataset) -> None:
    """Add every data info of ``dataset`` to ``infos`` (keyed by recording id), in place.

    A recording already in ``infos`` (from another annotation file) must name the same view
    files, else a ``ValueError`` names the recording and both annotation files.
    """
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        seen = infos.setdefault(info['recording_id'], info)
        if seen['filenames'] != info['filenames']:
            raise ValueError(
                f"recording {info['recording_id']} names different files in "
                f"{seen['ann_file']} ({seen['filenames']}) and {info['ann_file']} "
                f"({info['filenames']})")
