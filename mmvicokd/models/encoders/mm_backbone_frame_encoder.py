"""Frame-wise visual encoder E_V from any 2D backbone of the OpenMMLab registries (paper Eq. 1)."""
import copy
import importlib
import importlib.util
import os.path as osp
from typing import List, Optional, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmengine.logging import MMLogger
from timm.layers import to_2tuple

from .base_frame_encoder import BaseFrameEncoder
from .weight_files import load_local_state_dict, load_strict, resolve_weight_file


def _scope_of(backbone_type) -> Optional[str]:
    """``'mmpretrain'`` of ``'mmpretrain.ResNet'``; None for mmaction's own (unscoped) types."""
    if not isinstance(backbone_type, str) or '.' not in backbone_type:
        return None
    scope = backbone_type.split('.', 1)[0]
    return None if scope == 'mmaction' else scope


def import_scope(backbone_type) -> None:
    """Import the models of the package a scoped type (``'mmpretrain.ResNet'``) names, so
    that MMEngine finds it; mmaction's own types need nothing.

    Raises:
        ImportError: the package is not installed, or its models cannot be imported.
    """
    scope = _scope_of(backbone_type)
    if scope is None:
        return
    if importlib.util.find_spec(scope) is None:
        raise ImportError(f'MMBackboneFrameEncoder: backbone type {backbone_type!r} comes from '
                          f'{scope}, which is not installed (pip install {scope}); mmaction\'s '
                          'own 2D backbones (ResNet, MobileNetV2, ...) need no extra package')
    try:
        importlib.import_module(f'{scope}.models')
    except Exception as err:  # e.g. mmdet.models needs mmcv's compiled ops
        raise ImportError(f'MMBackboneFrameEncoder: backbone type {backbone_type!r} needs '
                          f'{scope}.models, which cannot be imported here: {err!r} (mmdet\'s '
                          'models need the full mmcv with compiled ops, not mmcv-lite; '
                          'docs/design.md section 7)') from err


def configured_weights(backbone: dict) -> List[str]:
    """Weight files the backbone config loads itself: mmaction's ``pretrained=`` and the
    ``checkpoint`` of an ``init_cfg`` of type ``Pretrained``."""
    found = [backbone['pretrained']] if isinstance(backbone.get('pretrained'), str) else []
    inits = backbone.get('init_cfg') or []
    for init in inits if isinstance(inits, (list, tuple)) else [inits]:
        if isinstance(init, dict) and init.get('type') == 'Pretrained' and init.get('checkpoint'):
            found.append(init['checkpoint'])
    return found


@MODELS.register_module()
class MMBackboneFrameEncoder(BaseFrameEncoder):
    """``F_V = E_V(V)``: a 2D backbone of mmaction's registry applied to every frame (Eq. 1).

    ``backbone`` is built from the ``mmaction`` registry (``ResNet``, ``MobileNetV2``, ...; a
    scoped type such as ``'mmpretrain.ResNet'`` when that package is installed). Its last
    output ``(N, D, h, w)`` is global-average-pooled to ``(N, D)`` (an output already pooled,
    ``(N, D)``, is taken as it is); ``out_dim`` D is read from one forward pass of a zero frame
    at build (ResNet-18: 512, MobileNetV2: 1280).

    Weights are loaded as MMEngine loads them, when the Runner calls :meth:`init_weights`:
    the backbone's own ``init_weights`` honours its ``init_cfg`` (``dict(type='Pretrained',
    checkpoint=FILE, prefix='backbone.')``) and mmaction's ``pretrained=FILE`` (for ``ResNet``
    a torchvision state dict such as ``resnet18-f37072fd.pth``, renamed by mmaction); then
    ``checkpoint``, if given, is loaded strictly: a state dict of the backbone's own keys, or
    the ``backbone.*`` part of an MMEngine model checkpoint. Files are local only: a URL or
    ``torchvision://`` name is an error at build.

    Args:
        backbone: config of the 2D backbone (``in_channels`` defaults to 3).
        img_size: input frame size in pixels (int: square).
        checkpoint: local weight file or hub download folder, loaded strictly.
        frozen: freeze the encoder (no gradients, eval mode, ``no_grad`` forward).
        chunk_size: frames per forward call.
        with_cp: passed to the backbone as its own ``with_cp`` (mmaction's MobileNetV2 and
            ResNet-50/101/152 checkpoint each block); a backbone without it (ResNet-18/34's
            BasicBlock, ...) is an error at build.

    Shapes: input ``(B, V, T, C, H, W)`` (normalised), output ``(B, V, T, D)``.
    """

    def __init__(self, backbone: dict, img_size: Union[int, Tuple[int, int]] = 224,
                 checkpoint: Optional[str] = None, frozen: bool = False,
                 chunk_size: int = 256, with_cp: bool = False):
        super().__init__(chunk_size=chunk_size, frozen=frozen, with_cp=with_cp)
        backbone = copy.deepcopy(dict(backbone))
        self.backbone_type = backbone.get('type')
        self.backbone_weights = configured_weights(backbone)
        remote = [w for w in self.backbone_weights if '://' in w]
        if remote:
            raise ValueError(f'MMBackboneFrameEncoder({self.backbone_type}): weights are read '
                             f'from local files only, got {remote[0]!r}; download the file and '
                             'set its path (docs/pretrained_weights.md)')
        import_scope(self.backbone_type)
        if with_cp:
            backbone['with_cp'] = True
        try:
            self.model = MODELS.build(backbone)
        except (TypeError, AssertionError) as err:
            if not with_cp or not self._builds_without_cp(backbone):
                raise
            raise ValueError(f'MMBackboneFrameEncoder({self.backbone_type}): the backbone '
                             f'does not support with_cp=True ({err!r}; mmaction\'s ResNet '
                             'checkpoints its Bottleneck blocks only, depth 50 and up); '
                             'set with_cp=False') from err
        self._frame_shape = (int(backbone.get('in_channels', 3)), *to_2tuple(img_size))
        self._out_dim = self._probe_width()
        self._finish_init(checkpoint)

    @staticmethod
    def _builds_without_cp(backbone: dict) -> bool:
        """Whether ``backbone`` builds once ``with_cp`` is left out (then with_cp was the
        cause of the failure)."""
        try:
            MODELS.build({k: v for k, v in backbone.items() if k != 'with_cp'})
        except Exception:
            return False
        return True

    @property
    def out_dim(self) -> int:
        """Channels D of the backbone's last feature map."""
        return self._out_dim

    @property
    def frame_shape(self) -> Tuple[int, ...]:
        """``(C, H, W)`` as configured."""
        return self._frame_shape

    def _check_with_cp(self) -> None:
        """Nothing to check: the backbone was built with its own ``with_cp``."""

    def _set_grad_checkpointing(self, enable: bool) -> None:
        """mmaction's blocks checkpoint by themselves, only while gradients are recorded."""

    def _pool(self, out) -> torch.Tensor:
        """Last output of the backbone → ``(N, D)``: mean over (h, w) of ``(N, D, h, w)``."""
        if isinstance(out, (tuple, list)):
            out = out[-1]
        if out.dim() == 4:
            return out.mean(dim=(2, 3))
        if out.dim() == 2:
            return out
        raise ValueError(f'MMBackboneFrameEncoder({self.backbone_type}): the backbone\'s last '
                         f'output has shape {tuple(out.shape)}; a 2D backbone giving (N, D, h, w) '
                         '(or pooled (N, D)) is expected')

    def _probe_width(self) -> int:
        training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                out = self._pool(self.model(torch.zeros(1, *self._frame_shape)))
        except ValueError:
            raise
        except Exception as err:
            raise ValueError(f'MMBackboneFrameEncoder({self.backbone_type}) cannot encode a frame '
                             f'of shape {self._frame_shape}: {err!r}; it needs a 2D backbone (one '
                             'image in, a feature map out)') from err
        finally:
            self.model.train(training)
        return int(out.shape[1])

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` → the last feature map ``(N, D, h, w)`` averaged → ``(N, D)``."""
        return self._pool(self.model(frames))

    def _load_checkpoint(self, path: str) -> str:
        """Load a state dict of the backbone's keys (or ``backbone.*`` of a model checkpoint)
        strictly; returns the format read."""
        state_dict, fmt = load_local_state_dict(path), 'backbone state dict'
        if not set(state_dict) & set(self.model.state_dict()) and any(
                k.startswith('backbone.') for k in state_dict):
            state_dict = {k[len('backbone.'):]: v for k, v in state_dict.items()
                          if k.startswith('backbone.')}
            fmt = 'backbone.* of a model checkpoint'
        load_strict(self.model, state_dict, path, fmt)
        return fmt

    def init_weights(self) -> None:
        """The backbone's own ``init_weights`` (its ``init_cfg`` / ``pretrained``, as MMEngine
        runs it), then ``checkpoint`` if given; logs once what the encoder starts from."""
        logger = MMLogger.get_current_instance()
        name = f'{type(self).__name__}({self.backbone_type})'
        own = self.backbone_weights
        for path in own:
            if not osp.exists(path):
                raise FileNotFoundError(f'{name}: backbone weights {path!r} do not exist '
                                        '(weights are only read from local files; '
                                        'docs/pretrained_weights.md)')
        if hasattr(self.model, 'init_weights'):
            self.model.init_weights()
        if self.checkpoint is not None:
            path = resolve_weight_file(self.checkpoint)
            logger.info(f'{name}: weights loaded from {path!r} ({self._load_checkpoint(path)})')
        elif own:
            logger.info(f'{name}: weights loaded from {own[-1]!r} by the backbone\'s init_weights')
        else:
            logger.warning(f'{name}: no checkpoint configured, the encoder starts from random '
                           'initialisation (the paper fine-tunes pre-trained weights; '
                           'docs/pretrained_weights.md)')
        if self.frozen:  # a backbone's init may re-enable gradients
            for param in self.parameters():
                param.requires_grad = False
