"""Make the demo's pre-trained encoders when their files are missing (``tools/demo.py``,
``tools/pretrain_demo_encoders.py``).

The demo teacher's config names the files (``visual_encoder.checkpoint``,
``audio_encoder.checkpoint``) and the architectures; students and distillers inherit them. Each
file has a sidecar ``<file stem>.json`` (written after the weights, so it marks a finished file)
that records what made it: the encoder's architecture, the settings, the corpus and the
held-out scores. A file whose sidecar matches the config and the settings is reused; any other
is made again. Resuming is per file: an interrupted run keeps the encoder already finished.
"""
import json
import os.path as osp
import time
from dataclasses import asdict, dataclass
from typing import Callable, Dict, Optional

import torch
from torch import nn

from ....utils.atomic_files import write_json
from .attributes import AUDIO_ATTRIBUTES, VISUAL_ATTRIBUTES
from .corpus import CORPUS_SEED, HELD_OUT_EVERY, Corpus, build_corpus
from .fit import fit_encoder
from .weights import ast_state, save_state_dict, vit_state

#: Config keys that do not change an encoder's weights (the file fits whatever they are).
_RUNTIME_KEYS = ('checkpoint', 'with_cp', 'frozen', 'chunk_size', 'out_dim')
#: Weight-file format each encoder is written in, as its loader logs it.
FORMATS = {'visual_encoder': 'timm state dict',
           'audio_encoder': "AST repository .pth ('module.v.*')"}


@dataclass(frozen=True)
class PretrainSettings:
    """Corpus size and schedule (their cost: ``tools/pretrain_demo_encoders.py``).

    Attributes:
        num_recordings: corpus recordings (5 views each; 1 in ``HELD_OUT_EVERY`` held out).
        epochs: passes over the training samples, per encoder.
        batch_size: samples per step.
        lr: peak AdamW learning rate.
    """

    num_recordings: int = 40
    epochs: int = 15
    batch_size: int = 128
    lr: float = 3e-3


def sidecar_path(weights: str) -> str:
    """The record of how ``weights`` was made: ``<stem>.json`` beside it."""
    return osp.splitext(weights)[0] + '.json'


def _architecture(encoder_cfg) -> dict:
    spec = {k: v for k, v in dict(encoder_cfg).items() if k not in _RUNTIME_KEYS}
    return json.loads(json.dumps(spec))  # tuples as lists, as the sidecar reads back


def _build(encoder_cfg) -> nn.Module:
    from mmaction.registry import MODELS
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(dict(_architecture(encoder_cfg), checkpoint=None))


def _record(key: str, encoder_cfg, settings: PretrainSettings) -> dict:
    """What decides a file's weights (a file made otherwise is made again)."""
    names = VISUAL_ATTRIBUTES if key == 'visual_encoder' else AUDIO_ATTRIBUTES
    return dict(encoder=_architecture(encoder_cfg), settings=asdict(settings),
                corpus_seed=CORPUS_SEED, attributes=list(names), format=FORMATS[key])


def _up_to_date(path: str, record: dict) -> bool:
    if not (osp.isfile(path) and osp.isfile(sidecar_path(path))):
        return False
    with open(sidecar_path(path)) as f:
        done = json.load(f)
    return all(done.get(k) == v for k, v in record.items())


def _targets(model_cfg, out_dir: Optional[str]) -> Dict[str, str]:
    """Encoder config key -> weight file, for the encoders that have a checkpoint."""
    targets = {}
    for key in FORMATS:
        path = (model_cfg.get(key) or {}).get('checkpoint')
        if path:
            targets[key] = osp.join(out_dir, osp.basename(path)) if out_dir else path
    return targets


def _video_prepare(model_cfg) -> Callable:
    """uint8 (n, 3, H, W) -> float, normalised as the config's data preprocessor does."""
    pre = model_cfg['data_preprocessor']
    mean = torch.tensor(pre['mean'], dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(pre['std'], dtype=torch.float32).view(1, 3, 1, 1)
    return lambda x: (x.float() - mean) / std


def _pretrain(key: str, model_cfg, corpus: Corpus, settings: PretrainSettings,
              progress: bool) -> tuple:
    """Train one encoder from scratch on its generic labels; ``(state dict, scores)``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        encoder = _build(model_cfg[key])
        if key == 'visual_encoder':
            head = nn.Linear(encoder.out_dim, len(VISUAL_ATTRIBUTES))
            inputs, labels, prepare = corpus.frames, corpus.visual, _video_prepare(model_cfg)
        else:
            head = nn.Sequential(nn.LayerNorm(encoder.out_dim),
                                 nn.Linear(encoder.out_dim, len(AUDIO_ATTRIBUTES)))
            inputs, labels, prepare = corpus.audio, corpus.sound, (lambda x: x)
        scores = fit_encoder(encoder, head, inputs, labels, corpus.held_out, prepare,
                             settings.epochs, settings.batch_size, settings.lr,
                             progress=progress)
    state = vit_state(encoder, head) if key == 'visual_encoder' else ast_state(encoder, head)
    return state, scores


def ensure_demo_encoders(model_cfg, out_dir: Optional[str] = None,
                         settings: PretrainSettings = PretrainSettings(),
                         progress: bool = True, log=print) -> Dict[str, dict]:
    """Make the pre-trained weight files ``model_cfg``'s encoders name, unless up to date.

    Args:
        model_cfg: the demo teacher's ``model`` config (``visual_encoder``, ``audio_encoder``
            with their ``checkpoint`` paths, ``data_preprocessor``); an encoder without a
            checkpoint is left alone.
        out_dir: write the files here (same names) instead of the configured folder.
        settings: corpus size and schedule.
        progress: show progress bars.
        log: where progress lines go.

    Returns:
        encoder key -> its sidecar record (``file``, ``format``, ``encoder``, ``settings``,
        ``corpus_seed``, ``corpus``, ``attributes``, ``scores``, ``corpus_seconds``).
    """
    targets = _targets(model_cfg, out_dir)
    records = {key: _record(key, model_cfg[key], settings) for key in targets}
    todo = [key for key in targets if not _up_to_date(targets[key], records[key])]
    for key in targets:
        if key not in todo:
            log(f'[pretrain] {targets[key]}: up to date')
    if todo:
        start = time.time()
        log(f'[pretrain] rendering a corpus of {settings.num_recordings} recordings '
            f'(seed {CORPUS_SEED}, not the demo\'s) for {", ".join(todo)}')
        with torch.random.fork_rng(devices=[]):  # leave the caller's random state alone
            img_size = _build(model_cfg['visual_encoder']).frame_shape[-1]
            window = _build(model_cfg['audio_encoder']).frame_shape[0]
        corpus = build_corpus(settings.num_recordings, img_size, window, progress=progress)
        corpus_seconds = round(time.time() - start, 1)
        held = int(corpus.held_out.sum())
        summary = dict(recordings=corpus.num_recordings, samples=len(corpus.recording),
                       held_out_samples=held, held_out_every=HELD_OUT_EVERY)
        for key in todo:
            log(f'[pretrain] {key}: {settings.epochs} epochs on '
                f'{summary["samples"] - held} samples')
            state, scores = _pretrain(key, model_cfg, corpus, settings, progress)
            save_state_dict(state, targets[key])
            record = dict(records[key], file=targets[key], corpus=summary, scores=scores,
                          corpus_seconds=corpus_seconds)
            write_json(sidecar_path(targets[key]), record)
            log(f'[pretrain] {targets[key]}: held-out mAP {scores["held_out_map"]} %, '
                f'loss {scores["held_out_loss"]} ({scores["seconds"]} s)')
    out = {}
    for key, path in targets.items():
        with open(sidecar_path(path)) as f:
            out[key] = json.load(f)
    return out
