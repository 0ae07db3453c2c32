"""Multi-view audio-visual recognizer: teacher (audio) or student (adapter), paper §3.1–3.2."""
import copy
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import nn

from ..losses.precision import float32_outputs, full_precision

_OWN_FEATURES = ('visual', 'audio', 'attn', 'av')
_SUPERVISIONS = ('frame', 'sequence')


def _with_dim(cfg: dict, key: str, dim: int, name: str) -> dict:
    """``cfg`` with ``cfg[key] = dim``; a different value already there is an error."""
    cfg = copy.deepcopy(cfg)
    if key in cfg and cfg[key] != dim:
        raise ValueError(f'MultiViewAVRecognizer: {name}.{key}={cfg[key]} differs from the '
                         f"visual encoder's feature size {dim}; they must be equal")
    cfg[key] = dim
    return cfg


def audio_width(audio_encoder: dict, dim: int) -> dict:
    """The width rule for the audio encoder, in one place: ``audio_encoder`` with
    ``out_dim=dim`` (the visual encoder's width D) unless the config sets ``out_dim`` itself.

    An audio encoder's ``out_dim`` is the width of its features, reached by a Linear
    projection of its own when its network is wider or narrower (AST-base's 768 → ViT-S/32's
    384, → ResNet-18's 512, → ViT-Ti's 192), and without one when they are equal. A set value
    must equal D (checked after the build).
    """
    cfg = copy.deepcopy(audio_encoder)
    if 'out_dim' not in cfg:
        cfg['out_dim'] = dim
    return cfg


def _describe(sample, index: int) -> str:
    recording = sample.metainfo.get('recording_id')
    return f'data sample {index}' + (f' (recording {recording!r})' if recording else '')


@MODELS.register_module()
class MultiViewAVRecognizer(BaseModel):
    """Encoders, cross-modal attention and a fusion backbone for multi-view action recognition.

    Teacher (``audio_encoder`` set): ``F_V = E_V(video)``, ``F_A = E_A(audio)`` (Eq. 1).
    Student (``adapter`` set): ``F̂_A = Adapter(F_V)`` (Eq. 6); audio in the inputs is ignored.
    Both: ``F_attn, F_AV = CrossAttn(F_V, F_A)`` (Eq. 2–3), then the fusion backbone (Eq. 4)
    gives ``view_frame_logits`` (B, V, T, C), ``frame_logits`` (B, T, C), ``seq_logits`` (B, C)
    and ``fusion`` (B, V, T, D). The objective is ``L = L_F + λ·L_S`` (Eq. 5; λ is the
    ``loss_weight`` of ``cls_loss``) plus the backbone's auxiliary losses and, if configured,
    the view-consistency loss (Eq. 10).

    The feature size D is the visual encoder's ``out_dim`` (any frame encoder: a timm ViT or
    CNN, an mmaction 2D backbone): ``cross_attn.dim``, ``adapter.dim`` and ``fusion.in_dim``
    are filled with it when absent and must equal it when given; so is the audio encoder's
    ``out_dim``, which projects its features to D when its own width differs
    (:func:`audio_width`, the one place of that rule).

    Args:
        visual_encoder: config of E_V: ``TimmViTEncoder`` / ``TimmFrameEncoder`` (any timm
            image model), ``MMBackboneFrameEncoder`` (an mmaction 2D backbone).
        fusion: config of the fusion backbone (``MultiTSF``, ``MultiASL``, ``MultiTrans``).
        cross_attn: config of ``CrossModalAttention``.
        audio_encoder: config of E_A (teacher), e.g. ``ASTEncoder``; exclusive with
            ``adapter``.
        adapter: config of ``CrossModalAdapter`` (student); exclusive with ``audio_encoder``.
        cls_loss: classification loss on (N, C) logits and multi-hot targets (Two-way loss).
        supervision: ``'frame'`` (V_F / AV_F: ``loss_frame`` and ``loss_seq``) or
            ``'sequence'`` (V_S: ``loss_seq`` only; the backbone gets ``frame_label=None``).
        consistency_loss: config of ``ViewConsistencyLoss`` (Eq. 10) → ``loss_vc``; needs
            ``human_mask`` on every data sample.
        view_frame_loss: config of ``ViewFrameLoss`` (ours) → ``loss_view_frame``: the frame
            labels on each view's own readings ``view_frame_logits`` where its human mask is
            set; needs ``human_mask`` on every data sample. Like ``loss_frame`` it exists under
            frame supervision only: with ``supervision='sequence'`` it is not built.
        data_preprocessor: config or module; ``None`` gives ``MultiViewAVDataPreprocessor``.
        init_cfg: MMEngine initialisation config.
    """

    def __init__(self, visual_encoder: dict, fusion: dict, cross_attn: dict,
                 audio_encoder: Optional[dict] = None, adapter: Optional[dict] = None,
                 cls_loss: dict = dict(type='TwoWayLoss'), supervision: str = 'frame',
                 consistency_loss: Optional[dict] = None,
                 view_frame_loss: Optional[dict] = None,
                 data_preprocessor: Optional[Union[dict, nn.Module]] = None,
                 init_cfg: Optional[dict] = None):
        if (audio_encoder is None) == (adapter is None):
            raise ValueError('MultiViewAVRecognizer needs exactly one of audio_encoder '
                             '(teacher) and adapter (student)')
        if supervision not in _SUPERVISIONS:
            raise ValueError(f'MultiViewAVRecognizer: supervision must be one of '
                             f'{_SUPERVISIONS}, got {supervision!r}')
        if data_preprocessor is None:
            data_preprocessor = dict(type='MultiViewAVDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.supervision = supervision

        self.visual_encoder = MODELS.build(visual_encoder)
        dim = self.visual_encoder.out_dim
        if audio_encoder is not None:
            self.audio_encoder = MODELS.build(audio_width(audio_encoder, dim))
            self.adapter = None
            if self.audio_encoder.out_dim != dim:
                raise ValueError(
                    f'MultiViewAVRecognizer: the audio encoder gives features of size '
                    f'{self.audio_encoder.out_dim}, the visual encoder {dim}; set the audio '
                    f'encoder\'s out_dim={dim} or leave out_dim out of its config (it is then '
                    'projected to the visual width)')
        else:
            self.audio_encoder = None
            self.adapter = MODELS.build(_with_dim(adapter, 'dim', dim, 'adapter'))
        self.cross_attn = MODELS.build(_with_dim(cross_attn, 'dim', dim, 'cross_attn'))
        self.fusion = MODELS.build(_with_dim(fusion, 'in_dim', dim, 'fusion'))
        self.cls_loss = MODELS.build(cls_loss)
        self.consistency_loss = (MODELS.build(consistency_loss)
                                 if consistency_loss is not None else None)
        self.view_frame_loss = (MODELS.build(view_frame_loss)
                                if view_frame_loss is not None and supervision == 'frame'
                                else None)

    @property
    def is_teacher(self) -> bool:
        """True when the model reads audio (``audio_encoder`` set)."""
        return self.audio_encoder is not None

    def extract_feat(self, inputs: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Run encoders, cross-modal attention and the fusion backbone.

        Args:
            inputs: ``video`` (B, V, T, 3, H, W) normalised; ``audio`` (B, V, T, Fa, 128)
                (teacher; ignored by a student). Cached features of frozen encoders
                (``tools/extract_features.py``) replace them and skip the encoders:
                ``visual_feat`` (B, V, T, D) for ``video``, ``audio_feat`` (B, V, T, D) for
                ``audio``.

        Returns:
            ``visual`` F_V, ``audio`` F_A (teacher) or pseudo-audio F̂_A (student), ``attn``
            F_attn, ``av`` F_AV, all (B, V, T, D); then the backbone's outputs: ``fusion``
            (B, V, T, D), ``view_frame_logits`` (B, V, T, C), ``frame_logits`` (B, T, C),
            ``seq_logits`` (B, C) and any extra tensors of its auxiliary losses.
        """
        if not isinstance(inputs, dict) or not {'video', 'visual_feat'} & set(inputs):
            got = sorted(inputs) if isinstance(inputs, dict) else type(inputs).__name__
            raise KeyError(f"MultiViewAVRecognizer expects inputs=dict(video=..., audio=...) "
                           f'or cached features dict(visual_feat=..., audio_feat=...), got {got}')
        visual = self.visual_encoder.encode_inputs(inputs, 'video', 'visual_feat')
        if self.is_teacher:
            if 'audio' not in inputs and 'audio_feat' not in inputs:
                raise KeyError(
                    'MultiViewAVRecognizer: this teacher (audio_encoder set) needs '
                    "inputs['audio'] (B, V, T, Fa, 128) or inputs['audio_feat'], but the batch "
                    f'holds only {sorted(inputs)}; load it with LoadAudioFbank and pack the '
                    'audio key')
            audio = self.audio_encoder.encode_inputs(inputs, 'audio', 'audio_feat')
        else:
            audio = self.adapter(visual)
        attn, av = self.cross_attn(visual, audio)
        outputs = self.fusion(av)
        clash = sorted(set(outputs) & set(_OWN_FEATURES))
        if clash:
            raise KeyError(f'MultiViewAVRecognizer: the fusion backbone returns {clash}, '
                           'names reserved for the encoders and cross-modal attention')
        return dict(visual=visual, audio=audio, attn=attn, av=av, **outputs)

    @staticmethod
    def _stack(data_samples: Sequence, name: str, shape: Tuple[int, ...],
               device: torch.device) -> torch.Tensor:
        """Stack field ``name`` of every data sample (each of ``shape``) → (B, *shape)."""
        values = []
        for index, sample in enumerate(data_samples):
            if name not in sample:
                raise KeyError(f'MultiViewAVRecognizer: {_describe(sample, index)} has no '
                               f'{name!r}')
            value = torch.as_tensor(sample.get(name))
            if tuple(value.shape) != tuple(shape):
                raise ValueError(f'MultiViewAVRecognizer: {_describe(sample, index)}: {name} '
                                 f'has shape {tuple(value.shape)}, the model expects '
                                 f'{tuple(shape)}')
            values.append(value)
        return torch.stack(values).to(device)

    def _human_mask(self, data_samples: Sequence, shape: Tuple[int, int],
                    device: torch.device) -> Optional[torch.Tensor]:
        """(B, V, T) bool if every sample has ``human_mask``, None if none has; else an error."""
        present = ['human_mask' in sample for sample in data_samples]
        if not any(present):
            for name in ('consistency_loss', 'view_frame_loss'):
                if getattr(self, name) is not None:
                    raise KeyError(f'MultiViewAVRecognizer: {name} needs human_mask on every '
                                   'data sample (LoadHumanMasks), but the batch has none')
            return None
        return self._stack(data_samples, 'human_mask', shape, device).bool()

    def loss_from_feats(self, feats: Dict[str, torch.Tensor],
                        data_samples: Sequence) -> Dict[str, torch.Tensor]:
        """Losses from :meth:`extract_feat`'s outputs (the distiller reuses the features).

        The losses are computed in float32 with autocast off, whatever precision the
        networks ran in (:mod:`~mmvicokd.models.losses.precision`).

        Returns:
            ``loss_seq``; ``loss_frame`` (frame supervision, on (B·T, C));
            ``loss_view_frame`` if ``view_frame_loss`` is set; the backbone's auxiliary
            losses; ``loss_vc`` if ``consistency_loss`` is set, with the logged-only
            statistics ``vc_covisible`` (fraction of co-visible view-pair frames),
            ``vc_weight`` (their mean confidence weight w) and ``vc_js`` (their mean JS).
        """
        with full_precision(feats['seq_logits'].device):
            return self._losses(float32_outputs(feats), data_samples)

    def _losses(self, feats: Dict[str, torch.Tensor],
                data_samples: Sequence) -> Dict[str, torch.Tensor]:
        batch, views, frames, classes = feats['view_frame_logits'].shape
        device = feats['seq_logits'].device
        if len(data_samples) != batch:
            raise ValueError(f'MultiViewAVRecognizer: {len(data_samples)} data samples for a '
                             f'batch of {batch}')
        gt_label = self._stack(data_samples, 'gt_label', (classes,), device).float()
        losses = dict(loss_seq=self.cls_loss(feats['seq_logits'], gt_label))
        frame_label = None
        if self.supervision == 'frame':
            frame_label = self._stack(data_samples, 'frame_label', (frames, classes),
                                      device).float()
            losses['loss_frame'] = self.cls_loss(feats['frame_logits'].reshape(-1, classes),
                                                 frame_label.reshape(-1, classes))
        human_mask = self._human_mask(data_samples, (views, frames), device)
        if self.view_frame_loss is not None:
            losses['loss_view_frame'] = self.view_frame_loss(feats['view_frame_logits'],
                                                             frame_label, human_mask)
        aux = self.fusion.aux_losses(feats, gt_label, frame_label, human_mask)
        clash = sorted(set(aux) & {'loss_seq', 'loss_frame', 'loss_view_frame', 'loss_vc'})
        if clash:
            raise KeyError(f'MultiViewAVRecognizer: the fusion backbone\'s auxiliary losses '
                           f'reuse the names {clash}')
        losses.update(aux)
        if self.consistency_loss is not None:
            losses['loss_vc'] = self.consistency_loss(feats['view_frame_logits'], human_mask)
            # logged, not added to the total (no 'loss' in the names): whether Eq. 10 acts
            for name, value in self.consistency_loss.stats(feats['view_frame_logits'],
                                                           human_mask).items():
                losses[f'vc_{name}'] = value
        return losses

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Sequence) -> Dict[str, torch.Tensor]:
        """Training losses (see :meth:`loss_from_feats`)."""
        return self.loss_from_feats(self.extract_feat(inputs), data_samples)

    @staticmethod
    def predict_scores(feats: Dict[str, torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        """Test-time probabilities from :meth:`extract_feat`'s outputs.

        A backbone that scores recordings with something other than its trained sequence head
        returns ``score_logits`` (B, C) (MultiASL with ``seq_score='cas_top'``, the authors'
        choice); otherwise ``seq_logits`` is used.

        Returns:
            ``seq_scores`` (B, C) = sigmoid(score_logits or seq_logits) and ``frame_scores``
            (B, T, C) = sigmoid(frame_logits).
        """
        seq = feats['score_logits'] if 'score_logits' in feats else feats['seq_logits']
        return seq.sigmoid(), feats['frame_logits'].sigmoid()

    def predict(self, inputs: Dict[str, torch.Tensor], data_samples: Sequence) -> List:
        """Set ``pred_score`` (C,) and ``pred_frame_score`` (T, C) (see
        :meth:`predict_scores`), and ``pred_view_frame_score`` (V, T, C) = sigmoid of the
        per-view readings ``view_frame_logits`` (for ``ViewReadingMetric``), on each data
        sample and return the samples."""
        feats = self.extract_feat(inputs)
        seq_scores, frame_scores = (s.detach() for s in self.predict_scores(feats))
        view_scores = feats['view_frame_logits'].detach().sigmoid()
        if len(data_samples) != seq_scores.shape[0]:
            raise ValueError(f'MultiViewAVRecognizer: {len(data_samples)} data samples for a '
                             f'batch of {seq_scores.shape[0]}')
        for sample, seq_score, frame_score, view_score in zip(data_samples, seq_scores,
                                                              frame_scores, view_scores):
            sample.set_field(seq_score, 'pred_score')
            sample.set_field(frame_score, 'pred_frame_score')
            sample.set_field(view_score, 'pred_view_frame_score')
        return list(data_samples)

    def forward(self, inputs: Dict[str, torch.Tensor], data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        """``mode``: ``'tensor'`` → :meth:`extract_feat`'s dict; ``'loss'`` → loss dict;
        ``'predict'`` → data samples with predictions."""
        if mode == 'tensor':
            return self.extract_feat(inputs)
        if mode not in ('loss', 'predict'):
            raise ValueError(f"MultiViewAVRecognizer: unknown mode {mode!r} (tensor, loss or "
                             'predict)')
        if data_samples is None:
            raise ValueError(f"MultiViewAVRecognizer: mode '{mode}' needs data_samples")
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        return self.predict(inputs, data_samples)
