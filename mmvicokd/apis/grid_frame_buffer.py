"""Decode a recording's grid frames forward in long runs, keeping only those still needed.

decord pays a seek and a decoder restart for every ``get_batch`` call: on a 60 s, 5-view,
320x240 recording (2 cores) reading the 150 grid frames in calls of 20 took 13.9 s, in calls
of 64 or more 5.7-5.8 s, the cost of decoding every frame once. Sliding windows overlap and
move forward, so :class:`GridFrameBuffer` decodes ``chunk`` grid frames per call (with the
config's ``DecodeMultiViewVideo``) ahead of the windows and drops frames behind them.
"""
import numpy as np


class GridFrameBuffer:
    """Frames (V, H, W, 3) of grid frames ``start .. start + n - 1`` of an opened recording.

    Args:
        decode: the ``DecodeMultiViewVideo`` transform.
        opened: ``MultiViewDecordInit``'s output for the recording (readers and timing).
        chunk: grid frames decoded per ``get_batch`` call.
    """

    def __init__(self, decode, opened: dict, chunk: int = 64):
        if chunk < 1:
            raise ValueError(f'chunk must be >= 1, got {chunk}')
        self.decode, self.opened, self.chunk = decode, opened, chunk
        self.num_frames = int(opened['num_clip_frames'])
        self.start = 0
        self.imgs = None  # (V, n, H, W, 3)

    @property
    def end(self) -> int:
        """One past the last buffered grid frame."""
        return self.start + (0 if self.imgs is None else self.imgs.shape[1])

    def frames(self, inds: np.ndarray) -> np.ndarray:
        """Frames (V, len(inds), H, W, 3) at grid indices ``inds``; the smallest index may not
        be below the smallest of the previous call (the buffer only moves forward)."""
        inds = np.asarray(inds, dtype=np.int64)
        lo, hi = int(inds.min()), int(inds.max())
        if lo < self.start or hi >= self.num_frames:
            raise ValueError(f'grid frames {lo}..{hi} are outside the buffer\'s forward range '
                             f'{self.start}..{self.num_frames - 1}')
        if self.imgs is not None and lo < self.end:
            self.imgs = self.imgs[:, lo - self.start:]  # drop the frames behind the windows
        else:
            self.imgs = None
        self.start = lo
        while self.end <= hi:
            begin = self.end
            stop = min(self.num_frames, max(hi + 1, begin + self.chunk))
            new = self.decode.transform(dict(self.opened, frame_inds=np.arange(begin, stop)))
            self.imgs = new['imgs'] if self.imgs is None else np.concatenate(
                [self.imgs, new['imgs']], axis=1)
        return self.imgs[:, inds - self.start]
