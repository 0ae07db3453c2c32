"""What a training run is, read from its (dumped) config: method, setting, backbone, data, seed.

The report tools group runs by these fields, never by folder names. The rules follow
``configs/_base_/distill_methods.py`` and docs/design.md section 4:

* ``MultiViewAVRecognizer`` with ``audio_encoder``: ``Teacher`` (``Teacher+VC`` when it has a
  ``consistency_loss``, paper Table 3); with ``adapter``: ``Student`` (``Student+VC`` with a
  consistency loss but no teacher).
* ``ViCoKDDistiller``: the set of ``distill_losses`` (LD = ``LogitDistillLoss``, FD =
  ``FeatureDistillLoss`` and the features it matches) and the student's ``consistency_loss``:
  LD → LogitKD; FD(visual, audio) → ModalKD; FD(fusion) + LD → DualKD; FD(attn, av) + LD →
  CoKD; CoKD + VC → ViCoKD. The paper's ablations (Table 4) are ViCoKD with one change:
  ``use_confidence=False`` → ``ViCoKD w/o ConfW``, ``use_mask=False`` → ``ViCoKD w/o Mask``,
  ``divergence='kl'`` → ``ViCoKD JS→KL``, no FD → ``ViCoKD w/o FD``, no LD → ``ViCoKD w/o LD``.
  ViCoKD with other VC settings (the evidence study) lists them: ``loss_weight=10`` →
  ``ViCoKD (VC×10)``, ``detach_weight=False`` → ``ViCoKD (w with grad)``.
  A recognizer (a distiller's student) trained with our per-view frame loss
  (``view_frame_loss``, frame supervision only) gets ``+VFL``: ``Teacher+VFL``, ``ViCoKD+VFL``.
  A distiller without any distillation loss and without VC trains the student alone:
  ``Student``. Any other combination is named after its parts, e.g. ``KD[fd(fusion)]+VC``.
* setting: ``AV`` (teacher) or ``V`` (student) + ``_F`` (``supervision='frame'``) or ``_S``
  (``'sequence'``); backbone: the fusion ``type``; seed: ``randomness.seed``; data: the test
  set's ``data_root``.
"""
import os.path as osp
from dataclasses import dataclass
from typing import Mapping, Optional

DISTILLER = 'ViCoKDDistiller'
RECOGNIZER = 'MultiViewAVRecognizer'

ABLATIONS = ('w/o ConfW', 'w/o Mask', 'JS→KL', 'w/o FD', 'w/o LD')
ABLATION_PREFIX = 'ViCoKD '
TABLE1_METHODS = ('Teacher', 'Student', 'LogitKD', 'ModalKD', 'DualKD', 'CoKD', 'ViCoKD')
TEACHER, TEACHER_VC = 'Teacher', 'Teacher+VC'
VFL_SUFFIX = '+VFL'

_VC_DEFAULTS = dict(use_confidence=True, use_mask=True, divergence='js', detach_weight=True,
                   loss_weight=1.0)
_VC_CHANGES = {('use_confidence', False): 'w/o ConfW', ('use_mask', False): 'w/o Mask',
               ('divergence', 'kl'): 'JS→KL', ('detach_weight', False): 'w with grad'}
_LD, _FD_ATTN_AV = 'ld', 'fd(attn,av)'
_KD_METHODS = {
    frozenset([_LD]): 'LogitKD',
    frozenset(['fd(visual,audio)']): 'ModalKD',
    frozenset(['fd(fusion)', _LD]): 'DualKD',
    frozenset([_FD_ATTN_AV, _LD]): 'CoKD',
}
# ViCoKD's losses without one of its KD terms (VC kept): Table 4's KD-strategy ablations.
_VC_KD_ABLATIONS = {frozenset([_LD]): 'w/o FD', frozenset([_FD_ATTN_AV]): 'w/o LD'}


@dataclass(frozen=True)
class RunInfo:
    """Description of one run.

    Attributes:
        method: e.g. ``'Teacher'``, ``'Student'``, ``'CoKD'``, ``'ViCoKD'``,
            ``'ViCoKD w/o Mask'`` (see the module docstring).
        setting: ``'AV_F'``, ``'V_F'``, ``'V_S'`` (or ``'AV_S'``).
        backbone: fusion backbone type, e.g. ``'MultiASL'``.
        data: the test set's ``data_root`` (normalised path), ``''`` if the config has none.
        seed: ``randomness.seed`` (None if unset).
    """

    method: str
    setting: str
    backbone: str
    data: str
    seed: Optional[int]

    @property
    def is_ablation(self) -> bool:
        """True for the paper's Table 4 variants of ViCoKD."""
        return ablation_name(self.method) is not None

    def group_key(self) -> tuple:
        """Runs with equal keys differ only by seed (they are averaged)."""
        return (self.data, self.backbone, self.method, self.setting)


def is_vfl_variant(method: str) -> bool:
    """True for a run trained with our per-view frame loss, e.g. ``'Teacher+VFL'``."""
    return method.endswith(VFL_SUFFIX)


def ablation_name(method: str) -> Optional[str]:
    """``'w/o Mask'`` for ``'ViCoKD w/o Mask'``; None if ``method`` is no Table 4 ablation."""
    if method.startswith(ABLATION_PREFIX) and method[len(ABLATION_PREFIX):] in ABLATIONS:
        return method[len(ABLATION_PREFIX):]
    return None


def is_vc_variant(method: str) -> bool:
    """True for ViCoKD with another view-consistency weight or gradient, e.g.
    ``'ViCoKD (VC×10)'`` (the evidence study's runs, not the paper's)."""
    return method.startswith('ViCoKD (')


def _get(cfg: Mapping, key: str, default=None):
    value = cfg.get(key, default) if isinstance(cfg, Mapping) else default
    return default if value is None else value


def vc_changes(consistency_loss: Optional[Mapping]) -> Optional[list]:
    """None without a consistency loss, else the list of Table 4 changes it makes ([] = VC)."""
    if consistency_loss is None:
        return None
    changes = []
    for key, default in _VC_DEFAULTS.items():
        value = _get(consistency_loss, key, default)
        if value != default:
            fallback = f'VC×{value:g}' if key == 'loss_weight' else f'{key}={value}'
            changes.append(_VC_CHANGES.get((key, value), fallback))
    return changes


def distill_parts(distill_losses: Optional[Mapping], where: str) -> frozenset:
    """The distillation terms of a distiller: ``'ld'`` and ``'fd(<features>)'`` strings."""
    parts = set()
    for name, loss in (distill_losses or {}).items():
        if loss is None:  # switched off (ViCoKDDistiller skips it)
            continue
        kind = _get(loss, 'type')
        if kind == 'LogitDistillLoss':
            parts.add(_LD)
        elif kind == 'FeatureDistillLoss':
            features = _get(loss, 'features', ('attn', 'av'))
            parts.add('fd(' + ','.join(features) + ')')
        else:
            raise ValueError(f'{where}: distill loss {name!r} has type {kind!r}; the report '
                             'knows LogitDistillLoss and FeatureDistillLoss')
    return frozenset(parts)


def _vc_suffix(changes: Optional[list]) -> str:
    if changes is None:
        return ''
    return '+VC' + (f'({", ".join(changes)})' if changes else '')


def distiller_method(parts: frozenset, changes: Optional[list]) -> str:
    """Method name of a distiller from its terms and its student's VC changes."""
    if changes is None:
        if not parts:
            return 'Student'
        if parts in _KD_METHODS:
            return _KD_METHODS[parts]
    elif parts == frozenset([_FD_ATTN_AV, _LD]):
        if not changes:
            return 'ViCoKD'
        if len(changes) == 1 and changes[0] in ABLATIONS:
            return ABLATION_PREFIX + changes[0]
        if not set(changes) & set(ABLATIONS):  # a study of VC's weight or its gradient
            return f'ViCoKD ({", ".join(changes)})'
    elif not changes and parts in _VC_KD_ABLATIONS:
        return ABLATION_PREFIX + _VC_KD_ABLATIONS[parts]
    named = 'KD[' + ' + '.join(sorted(parts)) + ']' if parts else 'Student'
    return named + _vc_suffix(changes)


def _setting(recognizer: Mapping, where: str) -> str:
    supervision = _get(recognizer, 'supervision', 'frame')
    if supervision not in ('frame', 'sequence'):
        raise ValueError(f"{where}: supervision {supervision!r} is neither 'frame' nor "
                         "'sequence'")
    modality = 'AV' if _get(recognizer, 'audio_encoder') is not None else 'V'
    return f'{modality}_{"F" if supervision == "frame" else "S"}'


def _data_root(cfg: Mapping) -> str:
    for loader in ('test_dataloader', 'val_dataloader'):
        dataset = _get(_get(cfg, loader, {}), 'dataset', {})
        root = _get(dataset, 'data_root')
        if root:
            return osp.normpath(root)
    return ''


def describe_run(cfg: Mapping, where: str = 'config') -> RunInfo:
    """Describe the run of ``cfg`` (an MMEngine ``Config`` or a plain dict).

    Args:
        cfg: the run's config; ``model`` must be a recognizer or a distiller.
        where: how errors name the config (its file).

    Raises:
        ValueError: the model is neither; or a recognizer has both or none of
            ``audio_encoder`` and ``adapter``.
    """
    if hasattr(cfg, 'to_dict'):  # mmengine Config / ConfigDict
        cfg = cfg.to_dict()
    model = _get(cfg, 'model')
    kind = _get(model, 'type')
    if kind == DISTILLER:
        recognizer = _get(model, 'student')
        method = distiller_method(distill_parts(_get(model, 'distill_losses'), where),
                                  vc_changes(_get(recognizer, 'consistency_loss')))
    elif kind == RECOGNIZER:
        recognizer = model
        has_audio = _get(model, 'audio_encoder') is not None
        if has_audio == (_get(model, 'adapter') is not None):
            raise ValueError(f'{where}: the recognizer needs exactly one of audio_encoder '
                             '(teacher) and adapter (student)')
        base = TEACHER if has_audio else 'Student'
        method = base + _vc_suffix(vc_changes(_get(model, 'consistency_loss')))
    else:
        raise ValueError(f'{where}: model type {kind!r} is neither {RECOGNIZER} nor '
                         f'{DISTILLER}, so the run cannot be described')
    if (_get(recognizer, 'view_frame_loss') is not None
            and _get(recognizer, 'supervision', 'frame') == 'frame'):
        method += VFL_SUFFIX
    backbone = _get(_get(recognizer, 'fusion', {}), 'type')
    if backbone is None:
        raise ValueError(f'{where}: the recognizer has no fusion backbone type')
    seed = _get(_get(cfg, 'randomness', {}), 'seed')
    return RunInfo(method=method, setting=_setting(recognizer, where), backbone=str(backbone),
                   data=_data_root(cfg), seed=None if seed is None else int(seed))
