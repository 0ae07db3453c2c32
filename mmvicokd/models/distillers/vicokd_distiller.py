"""Teacher-to-student distillation wrapper of ViCoKD and its baselines (paper §3.2)."""
import os
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from torch import nn

from ..losses.precision import float32_outputs, full_precision
from .checkpoint import TEACHER_PREFIX, read_checkpoint, state_dict_mismatches
from .functional import check_schedule, schedule_factor

DISTILL_PREFIX = 'distill.'
WEIGHT_PREFIX = 'weight.'
VC_TERM = 'vc'  # loss_schedules' name of the student's view-consistency loss
VC_LOSS = 'loss_vc'


def _describe_teacher(teacher: Union[dict, str]) -> str:
    """How error messages name the teacher config."""
    if isinstance(teacher, str):
        return f'teacher config {teacher!r}'
    return f'inline teacher config of type {teacher.get("type")!r}'


def _teacher_model_cfg(teacher: Union[dict, str]) -> dict:
    """The teacher's model config: the dict itself, or ``model`` of a config file."""
    if isinstance(teacher, dict):
        return teacher
    if not isinstance(teacher, str):
        raise TypeError(f'ViCoKDDistiller: teacher must be a model config dict or the path of '
                        f'a config file, got {type(teacher).__name__}')
    if not os.path.isfile(teacher):
        raise FileNotFoundError(f'ViCoKDDistiller: teacher config file {teacher!r} does not '
                                'exist')
    cfg = Config.fromfile(teacher)
    if 'model' not in cfg:
        raise KeyError(f'ViCoKDDistiller: teacher config file {teacher!r} defines no `model`')
    return cfg.model


def training_progress() -> Tuple[int, int, Optional[float]]:
    """``(epoch, iter, iterations per epoch or None)`` of the running training, 0-based.

    Read from MMEngine's current ``MessageHub``, which the Runner's ``RuntimeInfoHook`` updates
    before every epoch and iteration.
    """
    hub = MessageHub.get_current_instance()
    epoch, iteration = hub.get_info('epoch'), hub.get_info('iter')
    if epoch is None or iteration is None:
        raise RuntimeError('ViCoKDDistiller: loss_schedules need the training progress (the '
                           "MessageHub's 'epoch' and 'iter' that MMEngine's Runner sets), but "
                           'none is set: train with the Runner')
    max_epochs, max_iters = hub.get_info('max_epochs'), hub.get_info('max_iters')
    per_epoch = max_iters / max_epochs if max_epochs and max_iters else None
    return epoch, iteration, per_epoch


@MODELS.register_module()
class ViCoKDDistiller(BaseModel):
    """A frozen audio-visual teacher distils into a student recognizer (paper §3.2, Fig. 1b).

    The student's objective is its own supervision (Eq. 5, plus ``loss_vc`` of Eq. 10 when the
    student config sets ``consistency_loss``) and every configured distillation loss, e.g.
    ``FeatureDistillLoss`` (Eq. 7) and ``LogitDistillLoss`` (Eq. 8). Each distillation loss is
    called as ``loss(student_outputs, teacher_outputs)`` on the two recognizers'
    ``extract_feat`` dicts (``visual, audio, attn, av, fusion, frame_logits, ...`` with
    ``(B, V, T, D)`` features and ``(B, T, C)`` frame logits) and logged as ``distill.<name>``.

    ``loss_schedules`` can warm a term up and stop it (:mod:`.functional`): the scheduled term
    enters the total (and the log) as factor × its loss, and the weight actually used (factor ×
    the loss's ``loss_weight``) is logged every iteration as ``weight.<name>``. A term at
    factor 0 is not computed (nor is the teacher run when no distillation term is on). Without
    schedules the losses are exactly the constant-weight ones of the paper.

    The teacher is built from its config and frozen: no parameter requires grad, it stays in
    eval mode under ``train()``, and it runs under ``torch.no_grad()`` through ``extract_feat``
    only (it never sees labels). ``init_weights`` (called by the Runner when training starts)
    loads it strictly from ``teacher_ckpt``, with one clear error naming the file and the teacher
    config when the file is missing or does not match. Prediction and ``mode='tensor'`` use the student alone;
    ``tools/extract_student.py`` cuts the student out of a saved distiller checkpoint.

    Args:
        student: model config of the student recognizer (``MultiViewAVRecognizer``).
        teacher: model config of the teacher recognizer, or the path of a config file whose
            ``model`` is the teacher.
        teacher_ckpt: MMEngine checkpoint of the trained teacher recognizer (its
            ``state_dict`` keys are the recognizer's own, not a distiller's).
        distill_losses: ``{name: loss config}``; each loss maps ``(student_outputs,
            teacher_outputs)`` to a scalar. Empty trains the student on its own losses only
            (the teacher is then not run), a control equal to training the student alone. An
            entry ``None`` switches that loss off (a config drops an inherited loss with
            ``distill_losses=dict(ld=None)``).
        loss_schedules: ``{name: schedule}``, ``name`` a key of ``distill_losses`` or ``'vc'``
            (the student's ``loss_vc``, Eq. 10), ``schedule`` a dict of ``warmup_epochs`` or
            ``warmup_iters`` and/or ``stop_epoch``, e.g.
            ``dict(fd=dict(warmup_epochs=5), vc=dict(warmup_iters=500, stop_epoch=80))``.
            ``None`` (or an entry ``None``) keeps the constant weights.
        data_preprocessor: preprocessor config or module applied once to the batch that both
            recognizers read; ``None`` uses the student's own preprocessor.
        init_cfg: initialisation config of the distiller.
    """

    def __init__(self, student: dict, teacher: Union[dict, str], teacher_ckpt: str,
                 distill_losses: Optional[Dict[str, dict]] = None,
                 loss_schedules: Optional[Dict[str, Optional[dict]]] = None,
                 data_preprocessor: Optional[Union[dict, nn.Module]] = None,
                 init_cfg: Optional[dict] = None):
        student_model = MODELS.build(student)
        if data_preprocessor is None:
            data_preprocessor = student_model.data_preprocessor
        elif isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.student = student_model

        self._teacher_described = _describe_teacher(teacher)
        if not isinstance(teacher_ckpt, str) or not teacher_ckpt:
            raise TypeError(f'ViCoKDDistiller: teacher_ckpt must be the path of the trained '
                            f'teacher checkpoint ({self._teacher_described}), got '
                            f'{teacher_ckpt!r}')
        self.teacher_ckpt = teacher_ckpt
        self.teacher = MODELS.build(_teacher_model_cfg(teacher))
        self.teacher.requires_grad_(False)
        self.teacher.eval()
        # The teacher's weights come from teacher_ckpt alone (see init_weights), never from its
        # own initialisation or its encoders' pre-trained files.
        self.teacher.is_init = True

        distill_losses = {name: cfg for name, cfg in (distill_losses or {}).items()
                          if cfg is not None}
        for name in distill_losses:
            if not name or '.' in name:
                raise ValueError(f'ViCoKDDistiller: distill loss name {name!r} must be a '
                                 'non-empty string without dots')
        self.distill_losses = nn.ModuleDict(
            {name: MODELS.build(cfg) for name, cfg in distill_losses.items()})
        self.loss_schedules = self._check_schedules(loss_schedules or {})
        self._check_widths()

    def _check_widths(self) -> None:
        """Feature distillation (Eq. 7) compares (B, V, T, D) features: teacher and student must
        encode frames to one width D (the visual encoders' ``out_dim``)."""
        terms = sorted(n for n, loss in self.distill_losses.items() if hasattr(loss, 'features'))
        widths = [m.visual_encoder.out_dim for m in (self.teacher, self.student)]
        if terms and widths[0] != widths[1]:
            raise ValueError(
                f'ViCoKDDistiller: feature distillation ({", ".join(terms)}) compares teacher '
                f'and student features of one width, but the teacher '
                f'({self._teacher_described}) encodes frames to D={widths[0]} and the student '
                f'to D={widths[1]}; give both visual encoders one width (docs/usage.md, '
                '"Another encoder or fusion backbone")')

    def _check_schedules(self, schedules: Dict[str, Optional[dict]]) -> Dict[str, dict]:
        """The non-``None`` schedules, each naming a term this distiller computes."""
        checked = {}
        for name, schedule in schedules.items():
            if schedule is None:
                continue
            if name == VC_TERM and VC_TERM in self.distill_losses:
                raise ValueError("ViCoKDDistiller: loss_schedules['vc'] is ambiguous: 'vc' "
                                 "names the student's loss_vc, and a distill loss is named "
                                 "'vc' too; rename that distill loss")
            if name == VC_TERM and self.student.consistency_loss is None:
                raise ValueError("ViCoKDDistiller: loss_schedules['vc'] schedules the "
                                 "student's loss_vc, but the student has no consistency_loss")
            if name != VC_TERM and name not in self.distill_losses:
                raise ValueError(f'ViCoKDDistiller: loss_schedules[{name!r}] names no term: '
                                 f'the distill losses are {sorted(self.distill_losses)} (and '
                                 f"'vc' for the student's loss_vc); drop a schedule with "
                                 f'loss_schedules=dict({name}=None)')
            checked[name] = check_schedule(name, schedule)
        return checked

    def _term_weight(self, name: str) -> float:
        """The configured ``loss_weight`` of term ``name`` (1.0 when the loss has none)."""
        loss = self.student.consistency_loss if name == VC_TERM else self.distill_losses[name]
        return float(getattr(loss, 'loss_weight', 1.0))

    def schedule_factors(self) -> Dict[str, float]:
        """``{name: factor}`` of every scheduled term at the current training step."""
        if not self.loss_schedules:
            return {}
        epoch, iteration, per_epoch = training_progress()
        return {name: schedule_factor(epoch, iteration, per_epoch, **schedule)
                for name, schedule in self.loss_schedules.items()}

    def init_weights(self) -> None:
        """Initialise the student (and losses), then load the teacher from ``teacher_ckpt``.

        MMEngine's Runner calls this when training starts. Building the distiller reads no
        checkpoint, so ``tools/test.py`` can evaluate a trained distiller checkpoint (which holds
        the teacher's weights too) without the teacher's own file.
        """
        super().init_weights()
        self.load_teacher()

    def load_teacher(self) -> None:
        """Load ``teacher_ckpt`` into the teacher strictly; errors name the file and config."""
        self._load_teacher(self.teacher_ckpt, self._teacher_described)

    def _load_teacher(self, path: str, described: str) -> None:
        what = f'ViCoKDDistiller teacher_ckpt for the {described}'
        state_dict = read_checkpoint(path, what)['state_dict']
        problems = state_dict_mismatches(self.teacher, state_dict)
        if problems:
            hint = ''
            if any(k.startswith(TEACHER_PREFIX) for k in state_dict):
                hint = (' (its keys start with `teacher.`: this looks like a distiller '
                        'checkpoint; pass the teacher recognizer\'s own checkpoint)')
            raise RuntimeError(f'{what}: checkpoint {path!r} does not match the teacher built '
                               f'from the config{hint}; ' + '; '.join(problems))
        self.teacher.load_state_dict(state_dict, strict=True)

    def train(self, mode: bool = True) -> 'ViCoKDDistiller':
        """Set the student's mode; the teacher always stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    def teacher_outputs(self, inputs: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """The frozen teacher's ``extract_feat`` outputs, computed without gradients."""
        with torch.no_grad():
            return self.teacher.extract_feat(inputs)

    def loss(self, inputs: Dict[str, torch.Tensor], data_samples: List) -> Dict[str, torch.Tensor]:
        """Student losses plus ``distill.<name>`` for every distillation loss.

        Args:
            inputs: ``dict(video (B, V, T, 3, H, W), audio (B, V, T, Fa, 128))``; the student
                reads what it needs (a visual-only student ignores ``audio``).
            data_samples: the batch's ``ActionDataSample`` list (the teacher never sees them).

        Returns:
            The student's losses, ``distill.<name>`` (scalars) and, for each scheduled term,
            ``weight.<name>`` (the weight used); scheduled terms are scaled by their factor.
        """
        factors = self.schedule_factors()
        student_outputs = self.student.extract_feat(inputs)
        losses = self.student.loss_from_feats(student_outputs, data_samples)
        device = student_outputs['seq_logits'].device
        active = {name: fn for name, fn in self.distill_losses.items()
                  if factors.get(name, 1.0) > 0}
        if active:
            teacher_outputs = float32_outputs(self.teacher_outputs(inputs))
            student_outputs = float32_outputs(student_outputs)
        with full_precision(device):  # losses in float32
            for name in self.distill_losses:
                losses[DISTILL_PREFIX + name] = (
                    active[name](student_outputs, teacher_outputs) if name in active
                    else torch.zeros((), device=device))
            for name, factor in factors.items():
                key = VC_LOSS if name == VC_TERM else DISTILL_PREFIX + name
                losses[key] = losses[key] * factor
                losses[WEIGHT_PREFIX + name] = torch.tensor(factor * self._term_weight(name),
                                                            device=device)
        return losses

    def teacher_predict_step(self, data: dict) -> List:
        """The frozen teacher's predictions on a dataloader batch, as ``val_step`` gives the
        student's: the batch goes through the distiller's preprocessor, then
        ``teacher.predict`` (which reads the audio the student ignores). Used by
        :class:`~mmvicokd.engine.TeacherStudentValLoop` / ``TeacherStudentTestLoop``.

        Returns:
            The batch's data samples with the teacher's ``pred_score`` (C,),
            ``pred_frame_score`` (T, C) and ``pred_view_frame_score`` (V, T, C).
        """
        data = self.data_preprocessor(data, False)
        with torch.no_grad():
            return self.teacher.predict(data['inputs'], data['data_samples'])

    def parse_losses(self, losses: Dict[str, torch.Tensor]
                     ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Like :meth:`BaseModel.parse_losses`, but ``distill.*`` entries count as losses too.

        Returns:
            The total (every key containing ``loss`` or starting with ``distill.``) and the log
            variables, ``loss`` first.
        """
        log_vars = []
        for name, value in losses.items():
            if not isinstance(value, torch.Tensor):
                raise TypeError(f'ViCoKDDistiller: loss {name!r} is a {type(value).__name__}, '
                                'not a tensor')
            log_vars.append((name, value.mean()))
        total = sum(value for name, value in log_vars
                    if 'loss' in name or name.startswith(DISTILL_PREFIX))
        return total, OrderedDict([('loss', total), *log_vars])

    def predict(self, inputs: Dict[str, torch.Tensor], data_samples: List) -> List:
        """The student's predictions (``pred_score``, ``pred_frame_score``)."""
        return self.student.predict(inputs, data_samples)

    def forward(self, inputs: Dict[str, torch.Tensor], data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        """``loss``: :meth:`loss`; ``predict`` and ``tensor``: the student alone."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.student(inputs, data_samples, mode='tensor')
        raise ValueError(f'ViCoKDDistiller: unknown mode {mode!r} (loss, predict or tensor)')
