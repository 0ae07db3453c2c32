"""Teacher-to-student distillation wrapper of ViCoKD and its baselines (paper §3.2)."""
import os
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.model import BaseModel
from torch import nn

from ..losses.precision import float32_outputs, full_precision
from .checkpoint import TEACHER_PREFIX, read_checkpoint, state_dict_mismatches

DISTILL_PREFIX = 'distill.'


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


@MODELS.register_module()
class ViCoKDDistiller(BaseModel):
    """A frozen audio-visual teacher distils into a student recognizer (paper §3.2, Fig. 1b).

    The student's objective is its own supervision (Eq. 5, plus ``loss_vc`` of Eq. 10 when the
    student config sets ``consistency_loss``) and every configured distillation loss, e.g.
    ``FeatureDistillLoss`` (Eq. 7) and ``LogitDistillLoss`` (Eq. 8). Each distillation loss is
    called as ``loss(student_outputs, teacher_outputs)`` on the two recognizers'
    ``extract_feat`` dicts (``visual, audio, attn, av, fusion, frame_logits, ...`` with
    ``(B, V, T, D)`` features and ``(B, T, C)`` frame logits) and logged as ``distill.<name>``.

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
        data_preprocessor: preprocessor config or module applied once to the batch that both
            recognizers read; ``None`` uses the student's own preprocessor.
        init_cfg: initialisation config of the distiller.
    """

    def __init__(self, student: dict, teacher: Union[dict, str], teacher_ckpt: str,
                 distill_losses: Optional[Dict[str, dict]] = None,
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
        """
        student_outputs = self.student.extract_feat(inputs)
        losses = self.student.loss_from_feats(student_outputs, data_samples)
        if self.distill_losses:
            teacher_outputs = float32_outputs(self.teacher_outputs(inputs))
            student_outputs = float32_outputs(student_outputs)
            with full_precision(student_outputs['seq_logits'].device):  # losses in float32
                for name, loss_fn in self.distill_losses.items():
                    losses[DISTILL_PREFIX + name] = loss_fn(student_outputs, teacher_outputs)
        return losses

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
