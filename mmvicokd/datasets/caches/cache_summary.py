"""The summary ``tools/cache_frames.py`` and ``tools/extract_features.py`` print after a build."""
from typing import Sequence, Tuple


def print_cache_summary(summary: dict, built: str, time_label: str,
                        extra: Sequence[Tuple[str, str]] = ()) -> None:
    """Print one aligned line each: cache folder, ``extra`` rows, recordings, time, disk size.

    Args:
        summary: a cache builder's result, with ``cache_dir``, ``num_recordings``, ``built``,
            ``up_to_date``, ``seconds`` and ``disk_bytes``.
        built: what was done to the recordings not up to date, e.g. ``'built'``.
        time_label: the label of the build time, e.g. ``'build time'``.
        extra: ``(label, value)`` rows printed after the cache folder.
    """
    rows = [('cache folder', summary['cache_dir']), *extra,
            ('recordings', f"{summary['num_recordings']} ({summary['built']} {built}, "
                           f"{summary['up_to_date']} were up to date)"),
            (time_label, f"{summary['seconds']:.1f} s"),
            ('disk size', f"{summary['disk_bytes'] / 2 ** 20:.1f} MiB")]
    for label, value in rows:
        print(f'{label:<14}{value}')
