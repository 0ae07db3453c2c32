"""How a frame-cache file stores its frames and fbanks (``tools/cache_frames.py --format``).

Frame formats, ``meta['frame_format']``:

- ``raw``: ``video`` np.uint8 (V, T, H, W, 3) uncompressed: reads back bitwise, fastest, and
  largest (the frames of a 5-view minute at 224 px take 113 MB).
- ``deflate``: the same arrays zip-deflated inside the ``.npz`` (what ``np.savez_compressed``
  does, fbanks included): bitwise too, but small only for flat images (the demo's renders: 6 %
  of raw); noisy footage stays at 60-85 % of raw, and reads slower than JPEG decodes.
- ``jpeg``: ``video_jpeg`` np.uint8 (N_bytes,) + ``video_jpeg_offsets`` np.int64 (V*T+1,), one
  JPEG per frame at ``meta['jpeg_quality']`` (:mod:`.jpeg_frames`), shape in
  ``meta['video_shape']``: ~9 % of raw at quality 90 on noisy 224-px frames, lossy (a few
  levels per pixel on average), read lazily so that only the sampled frames are decoded.

Fbank dtype, ``meta['fbank_dtype']``: ``float32`` (bitwise) or ``float16`` (half the bytes,
each value within 2**-11 of its magnitude, about 0.01 on a log-mel value of 20); read back as
float32 either way. Files of cache format 2 predate these keys: raw frames, float32 fbanks.
"""
import numpy as np

from .jpeg_frames import JpegFrames, encode_jpeg_frames

FRAME_FORMATS = ('raw', 'deflate', 'jpeg')
FBANK_DTYPES = ('float32', 'float16')
DEFAULT_JPEG_QUALITY = 90
STORAGE_KEYS = ('frame_format', 'jpeg_quality', 'fbank_dtype')


def storage_settings(frame_format: str = 'raw', jpeg_quality: int | None = None,
                     fbank_dtype: str = 'float32') -> dict:
    """The checked ``STORAGE_KEYS`` settings; ``jpeg_quality`` is None unless ``jpeg``."""
    if frame_format not in FRAME_FORMATS:
        raise ValueError(f'frame format must be one of {FRAME_FORMATS}, got {frame_format!r}')
    if fbank_dtype not in FBANK_DTYPES:
        raise ValueError(f'fbank dtype must be one of {FBANK_DTYPES}, got {fbank_dtype!r}')
    if frame_format == 'jpeg':
        jpeg_quality = DEFAULT_JPEG_QUALITY if jpeg_quality is None else int(jpeg_quality)
        if not 1 <= jpeg_quality <= 100:
            raise ValueError(f'JPEG quality must be in 1..100, got {jpeg_quality}')
    elif jpeg_quality is not None:
        raise ValueError(f'jpeg_quality={jpeg_quality} needs frame format jpeg, not '
                         f'{frame_format}')
    return dict(frame_format=frame_format, jpeg_quality=jpeg_quality, fbank_dtype=fbank_dtype)


def meta_storage(meta: dict) -> dict:
    """The storage settings of a cache file's meta (format 2 files: raw, float32)."""
    return {k: meta.get(k, default) for k, default in zip(STORAGE_KEYS, ('raw', None, 'float32'))}


def encode_arrays(video: np.ndarray, fbank: np.ndarray, storage: dict) -> tuple:
    """``(arrays, deflated, meta)`` to store ``video`` (V, T, H, W, 3) and ``fbank`` (V, S, M).

    ``arrays``: the ``.npz`` members; ``deflated``: the names to zip-deflate; ``meta``: the
    storage settings (plus ``video_shape`` for ``jpeg``) to add to the file's meta.
    """
    fbank = fbank.astype(storage['fbank_dtype'])
    meta = dict(storage)
    if storage['frame_format'] == 'jpeg':
        data, offsets = encode_jpeg_frames(video, storage['jpeg_quality'])
        meta['video_shape'] = list(video.shape)
        return dict(video_jpeg=data, video_jpeg_offsets=offsets, fbank=fbank), (), meta
    deflated = ('video', 'fbank') if storage['frame_format'] == 'deflate' else ()
    return dict(video=video, fbank=fbank), deflated, meta


def decode_arrays(npz, meta: dict) -> tuple:
    """``(video, fbank)`` of an opened ``.npz``: np.uint8 (V, T, H, W, 3) ndarray or
    :class:`JpegFrames`, and np.float32 (V, S, M)."""
    storage = meta_storage(meta)
    if storage['frame_format'] not in FRAME_FORMATS:
        raise ValueError(f"unknown frame format {storage['frame_format']!r}")
    if storage['frame_format'] == 'jpeg':
        video = JpegFrames(npz['video_jpeg'], npz['video_jpeg_offsets'], meta['video_shape'])
    else:
        video = npz['video']
    return video, npz['fbank'].astype(np.float32, copy=False)
