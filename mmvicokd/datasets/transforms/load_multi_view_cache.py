"""Read a recording's pre-decoded frames and fbanks instead of opening its videos (docs/design.md 8)."""
import os.path as osp

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..caches.frame_cache import cache_command, cache_file, meta_command, read_cache, stale_reason
from ..functional import multi_view_timing


@TRANSFORMS.register_module()
class LoadMultiViewCache(BaseTransform):
    """Drop-in replacement of :class:`MultiViewDecordInit` reading the frame cache.

    Loads ``{cache_dir}/{recording_id}.npz`` written by ``tools/cache_frames.py``
    (:func:`mmvicokd.datasets.caches.frame_cache.build_frame_cache`), checks it against the
    view files (names, sizes, mtimes), keeps the rows of the dataset's ``views`` and sets the
    timing keys exactly as :class:`MultiViewDecordInit` would. :class:`SampleMultiViewFrames`
    then runs unchanged, and :class:`DecodeMultiViewVideo` / :class:`LoadAudioFbank` slice the cached
    arrays at ``frame_inds`` instead of decoding: the pipeline output is the same (bitwise for
    the ``raw`` and ``deflate`` formats; within JPEG's loss for ``jpeg``). The format is read
    from the file: no setting here depends on it.

    Required keys: ``recording_id``, ``ann_file``, ``filenames`` (V), ``views`` (V), ``fps``.

    Added keys:
        - ``total_frames``, ``avg_fps`` (V,), ``duration``, ``num_clip_frames`` (T_full): as
          :class:`MultiViewDecordInit`.
        - ``cached_imgs``: np.uint8 (V, T_cache, H, W, 3) frames on the grid, T_cache >= T_full;
          for a ``jpeg``-format cache a :class:`~mmvicokd.datasets.caches.jpeg_frames.JpegFrames` of
          that shape, which decodes only the frames :class:`DecodeMultiViewVideo` takes.
        - ``cached_fbank``: np.float32 (V, S, M) whole-track fbanks.
        - ``frame_cache``: dict(file, resize, num_mel_bins, sample_rate, command) describing the
          cache for the later transforms' checks and errors.

    Args:
        cache_dir (str): The cache folder (``--out`` of ``tools/cache_frames.py``).
    """

    def __init__(self, cache_dir: str) -> None:
        self.cache_dir = cache_dir

    def transform(self, results: dict) -> dict:
        where = f"recording {results['recording_id']} (annotation {results['ann_file']})"
        path = cache_file(self.cache_dir, results['recording_id'])
        if not osp.isfile(path):
            command = cache_command('DATA_ROOT', osp.abspath(results['ann_file']),
                                    self.cache_dir, 'SIZE', results['fps'], results['views'])
            raise FileNotFoundError(
                f'{where}: frame cache file {path} does not exist; build the cache with '
                f'`{command}` (DATA_ROOT: the dataset\'s data_root, SIZE: the resize of '
                'DecodeMultiViewVideo)')
        try:
            meta, video, fbank = read_cache(path, where)
        except RuntimeError as exc:
            raise RuntimeError(f'{exc}; the file is partial or corrupt: delete it and rerun '
                               'tools/cache_frames.py, which rebuilds it') from exc
        reason = stale_reason(meta, results['filenames'], results['views'], results['fps'])
        if reason is not None:
            raise RuntimeError(f'{where}: frame cache file {path} is stale: {reason}; rebuild '
                               f'it with `{meta_command(meta, self.cache_dir)}`')
        rows = [meta['views'].index(v) for v in results['views']]
        timing = multi_view_timing([meta['num_frames'][r] for r in rows],
                                   [meta['avg_fps'][r] for r in rows], results['fps'])
        num_views = len(meta['views'])
        if (video.ndim != 5 or fbank.ndim != 3 or video.shape[0] != num_views
                or fbank.shape[0] != num_views or video.shape[1] < timing['num_clip_frames']):
            raise RuntimeError(
                f'{where}: frame cache file {path} is partial: video {video.shape} and fbank '
                f"{fbank.shape} do not hold {num_views} views of {timing['num_clip_frames']} "
                f'grid frames; rebuild it with `{meta_command(meta, self.cache_dir)}`')
        if rows != list(range(num_views)):
            video, fbank = video.take(rows, axis=0), fbank[rows]
        results.update(timing)
        results['cached_imgs'] = video
        results['cached_fbank'] = fbank
        results['frame_cache'] = dict(
            file=path, resize=meta['resize'], num_mel_bins=meta['num_mel_bins'],
            sample_rate=meta['sample_rate'], command=meta_command(meta, self.cache_dir))
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(cache_dir={self.cache_dir!r})'
