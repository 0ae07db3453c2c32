"""Per-frame person confidence with a YOLOv10 detector (authors' human-mask recipe).

The authors run ``yolov10b.pt`` on every 2.5-FPS frame of every view and keep, per frame, the
mean confidence of the COCO class-0 (person) boxes, 0 when there is none (docs/design.md section 2).
"""
import os

import numpy as np

from .ultralytics_env import prepare_ultralytics_env

PERSON_CLASS = 0


class PersonScorer:
    """Mean person-box confidence of each frame.

    Args:
        weights: path of a local ultralytics checkpoint (e.g. ``yolov10b.pt``). Never a hub
            name: a missing file raises instead of being downloaded.
        imgsz: inference size (pixels, multiple of 32).
        conf: lowest box confidence kept (ultralytics' default 0.25, as the authors ran it).
        device: torch device string, e.g. 'cpu' or 'cuda:0'.
        batch_size: frames per forward pass.
    """

    def __init__(self, weights: str, imgsz: int = 640, conf: float = 0.25,
                 device: str = 'cpu', batch_size: int = 32):
        if not os.path.isfile(weights):
            raise FileNotFoundError(f'detector weights not found: {weights} (pass a local '
                                    f'file; hub names are never downloaded)')
        if imgsz % 32:
            raise ValueError(f'imgsz must be a multiple of 32, got {imgsz}')
        prepare_ultralytics_env()
        from ultralytics import YOLO

        self.model = YOLO(weights)
        if self.model.task != 'detect':
            raise ValueError(f'{weights} is a {self.model.task!r} model, expected a detector')
        self.imgsz, self.conf, self.device, self.batch_size = imgsz, conf, device, batch_size

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """Scores (N,) float32 for RGB frames (N, H, W, 3) uint8."""
        scores = np.zeros(len(frames), dtype=np.float32)
        for start in range(0, len(frames), self.batch_size):
            # ultralytics reads numpy images as BGR
            batch = [np.ascontiguousarray(f[..., ::-1])
                     for f in frames[start:start + self.batch_size]]
            results = self.model.predict(batch, imgsz=self.imgsz, conf=self.conf,
                                         classes=[PERSON_CLASS], device=self.device,
                                         verbose=False)
            for i, result in enumerate(results):
                conf = result.boxes.conf.cpu().numpy()
                cls = result.boxes.cls.cpu().numpy()
                person = conf[cls == PERSON_CLASS]
                scores[start + i] = float(person.mean()) if len(person) else 0.0
        return scores
