"""Export a recognizer's test-time probabilities to ONNX and check them with onnxruntime.

The exported graph is :meth:`MultiViewAVRecognizer.extract_feat` followed by
:meth:`MultiViewAVRecognizer.predict_scores`: input ``video`` float32 (B, V, T, 3, H, W),
normalised as the data preprocessor does ((x - mean) / std on the 0-255 scale), and for a
teacher also ``audio`` float32 (B, V, T, Fa, 128); outputs ``seq_scores`` (B, C) and
``frame_scores`` (B, T, C), exactly the probabilities ``predict`` stores. B and T are dynamic.
It uses torch's ``torch.export``-based exporter (``dynamo=True``, needs ``onnxscript``): the
TorchScript tracer bakes the attention layers' sequence length into the graph.
"""
import statistics
import time
from typing import Dict, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config
from torch import nn

from ..apis.model_loading import load_recognizer
from ..utils.atomic_files import atomic_path

INPUTS = ('video', 'audio')
OUTPUTS = ('seq_scores', 'frame_scores')


class ScoresModule(nn.Module):
    """``(video[, audio]) -> (seq_scores (B, C), frame_scores (B, T, C))`` of a recognizer."""

    def __init__(self, recognizer: nn.Module, with_audio: bool = False):
        super().__init__()
        self.recognizer = recognizer
        self.with_audio = with_audio

    def forward(self, video: torch.Tensor,
                audio: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        inputs = dict(video=video) if audio is None else dict(video=video, audio=audio)
        return self.recognizer.predict_scores(self.recognizer.extract_feat(inputs))


def deployable_recognizer(cfg: Config, checkpoint: str, with_audio: bool = False) -> nn.Module:
    """The recognizer to deploy, in eval mode, with the weights of ``checkpoint``
    (:func:`~mmvicokd.apis.model_loading.load_recognizer`: a distiller config gives its
    student). A teacher (it reads audio) is only exported with ``with_audio``; a visual-only
    recognizer never is.

    Raises:
        ValueError: audio input asked for a visual-only model, or a teacher without it.
        RuntimeError / FileNotFoundError: the checkpoint does not fit the model or is missing.
    """
    recognizer, _ = load_recognizer(cfg, checkpoint)
    name = cfg.filename or 'the config'
    if recognizer.is_teacher and not with_audio:
        raise ValueError(
            f'{name} is a teacher: it reads audio (B, V, T, Fa, 128) besides video, so it is not '
            'the visual-only model to deploy; export a student (or a distiller config, whose '
            'student is exported), or pass --with-audio to export the teacher with both inputs')
    if with_audio and not recognizer.is_teacher:
        raise ValueError(f'{name} is a visual-only recognizer: it has no audio input; leave out '
                         '--with-audio')
    return recognizer


def example_inputs(recognizer: nn.Module, batch: int, clip_len: int,
                   with_audio: bool, seed: int = 0) -> Dict[str, torch.Tensor]:
    """Inputs as the data preprocessor gives them: random pixels normalised with its mean/std,
    and random fbank windows."""
    gen = torch.Generator().manual_seed(seed)
    views = recognizer.fusion.num_views
    pixels = torch.randint(0, 256, (batch, views, clip_len, *recognizer.visual_encoder.frame_shape),
                           generator=gen).float()
    pre = recognizer.data_preprocessor
    inputs = dict(video=(pixels - pre.mean) / pre.std)
    if with_audio:
        inputs['audio'] = torch.randn(batch, views, clip_len,
                                      *recognizer.audio_encoder.frame_shape, generator=gen)
    return inputs


def export_onnx(recognizer: nn.Module, out: str, clip_len: int, with_audio: bool = False,
                opset: int = 18) -> str:
    """Write ``ScoresModule(recognizer)`` to ``out`` (one file, atomically); returns ``out``.

    Traced on a batch of 2 clips of ``clip_len`` frames (``torch.export`` would fix a size of
    1); B and T are exported as ``Dim.DYNAMIC``, within the ranges the model's own checks allow
    (T up to the cross-modal attention's ``max_len``).
    """
    module = ScoresModule(recognizer, with_audio).eval()
    inputs = example_inputs(recognizer, 2, clip_len, with_audio)
    dynamic = {name: {0: torch.export.Dim.DYNAMIC, 2: torch.export.Dim.DYNAMIC}
               for name in inputs}
    with atomic_path(out) as tmp, torch.no_grad():
        torch.onnx.export(module, (), tmp, kwargs=inputs, input_names=list(inputs),
                          output_names=list(OUTPUTS), dynamo=True, dynamic_shapes=dynamic,
                          external_data=False, opset_version=opset, verbose=False)
    return out


def onnx_session(path: str, threads: int = 1):
    """An onnxruntime CPU session of ``path`` with ``threads`` intra-op threads."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])


def onnx_parity(recognizer: nn.Module, session, inputs: Dict[str, torch.Tensor]) -> dict:
    """Largest |torch - onnxruntime| of each output on ``inputs``."""
    with torch.no_grad():
        expected = ScoresModule(recognizer)(**inputs)
    got = session.run(list(OUTPUTS), {k: v.numpy() for k, v in inputs.items()})
    return {name: float(np.abs(g - e.numpy()).max())
            for name, g, e in zip(OUTPUTS, got, expected)}


def time_per_clip(recognizer: nn.Module, session, inputs: Dict[str, torch.Tensor],
                  repeats: int = 3) -> dict:
    """Median seconds of one forward on ``inputs`` with torch and with onnxruntime,
    interleaved, after one warm-up each."""
    module = ScoresModule(recognizer).eval()
    feed = {k: v.numpy() for k, v in inputs.items()}
    times = dict(torch=[], onnxruntime=[])
    for r in range(repeats + 1):
        for name in (('torch', 'onnxruntime') if r % 2 else ('onnxruntime', 'torch')):
            t0 = time.perf_counter()
            if name == 'torch':
                with torch.no_grad():
                    module(**inputs)
            else:
                session.run(list(OUTPUTS), feed)
            if r:
                times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}
