"""Frame-wise visual encoder E_V from any timm image model, CNN or ViT (paper Eq. 1)."""
import importlib
from typing import Callable, Dict, Optional, Tuple, Union

import timm
import torch
from mmaction.registry import MODELS
from timm.layers import to_2tuple

from .base_frame_encoder import BaseFrameEncoder
from .weight_files import load_local_state_dict, load_strict


def create_timm_model(arch: str, img_size: Union[int, Tuple[int, int]],
                      model_kwargs: dict) -> torch.nn.Module:
    """``timm.create_model(arch, pretrained=False, num_classes=0, **model_kwargs)``, with
    ``img_size`` for the models whose constructor takes one (ViTs, Swin, ...); CNNs take any
    size and are built without it.

    Raises:
        ValueError: timm has no model ``arch``.
    """
    if not timm.is_model(arch):
        raise ValueError(f'TimmFrameEncoder: timm {timm.__version__} has no model {arch!r} '
                         f'(timm.list_models(\'*{arch.split("_")[0]}*\') lists the names)')
    kwargs = dict(pretrained=False, num_classes=0, **model_kwargs)
    try:
        return timm.create_model(arch, img_size=img_size, **kwargs)
    except TypeError as err:  # the model's constructor takes no img_size
        if 'img_size' not in str(err):
            raise
    return timm.create_model(arch, **kwargs)


def timm_filter_fn(arch: str) -> Optional[Callable]:
    """The ``checkpoint_filter_fn`` of the timm module that defines ``arch`` (what timm applies
    to a weight file when it loads one for that model: e.g. a ViT's position table resampled to
    another ``img_size``, original DINOv2 / OpenAI CLIP keys renamed); None if it has none."""
    module = importlib.import_module(timm.models.model_entrypoint(arch).__module__)
    return getattr(module, 'checkpoint_filter_fn', None)


@MODELS.register_module()
class TimmFrameEncoder(BaseFrameEncoder):
    """``F_V = E_V(V)``: any timm image model applied to every frame of every view (Eq. 1).

    The model is ``timm.create_model(arch, pretrained=False, num_classes=0, **model_kwargs)``
    (with ``img_size`` where the model takes one), so its output is timm's pooled feature:
    global average pooling for CNNs (ResNet, ConvNeXt, EfficientNet, ...), the class token or
    the mean token for ViTs (DINOv2, CLIP, ... as timm names them), of size
    ``model.head_hidden_size`` (``num_features`` for most models). Weights come only from the
    local ``checkpoint``, never from a hub, in the forms timm distributes them: a timm state
    dict (``.safetensors``, ``.pth``/``.bin``, or a Hugging Face hub download folder holding
    one; an MMEngine checkpoint of the timm model's keys also works), passed through the model's
    own timm ``checkpoint_filter_fn`` as timm does when it loads weights (a ViT's position table
    is resampled to ``img_size``); or the original big_vision/augreg ``.npz``, read by timm's own
    loader (``model.load_pretrained``, which ViTs have). A classifier stored in the checkpoint
    (the model's ``pretrained_cfg['classifier']``: ``head``, ``fc``, ``head.fc``, ...) is
    dropped, since the encoder has none.

    Args:
        arch: timm model name, e.g. ``'convnext_atto'`` (D=320), ``'resnet50'`` (2048),
            ``'vit_base_patch16_224'`` (768), ``'vit_small_patch14_dinov2'`` (384).
        img_size: input frame size in pixels (int: square); ViTs are built for it, CNNs take
            it as the size their input must have.
        checkpoint: local weight file or hub download folder, loaded strictly.
        frozen: freeze the encoder (no gradients, eval mode, ``no_grad`` forward).
        chunk_size: frames per forward call.
        with_cp: activation checkpointing per block through timm's ``set_grad_checkpointing``:
            backward recomputes each block (``tools/benchmark.py`` measures the saving); a model
            that does not support it (e.g. timm's VGG) is an error at build.
        **model_kwargs: further arguments of the timm model, e.g. ``embed_dim``, ``depth``,
            ``num_heads``, ``patch_size`` of a small ViT, ``in_chans``, ``drop_path_rate``.

    Shapes: input ``(B, V, T, C, H, W)`` (normalised, C = ``in_chans``, 3 by default), output
    ``(B, V, T, D)``.
    """

    def __init__(self, arch: str, img_size: Union[int, Tuple[int, int]] = 224,
                 checkpoint: Optional[str] = None, frozen: bool = False,
                 chunk_size: int = 256, with_cp: bool = False, **model_kwargs):
        super().__init__(chunk_size=chunk_size, frozen=frozen, with_cp=with_cp)
        self.arch = arch
        self.model = create_timm_model(arch, img_size, model_kwargs)
        embed = getattr(self.model, 'patch_embed', None)
        size = getattr(embed, 'img_size', None) or to_2tuple(img_size)
        self._frame_shape = (int(model_kwargs.get('in_chans', 3)), *map(int, size))
        self._finish_init(checkpoint)

    @property
    def out_dim(self) -> int:
        """Feature size D of timm's pooled output (``head_hidden_size``, else
        ``num_features``)."""
        return int(getattr(self.model, 'head_hidden_size', None) or self.model.num_features)

    @property
    def frame_shape(self) -> Tuple[int, ...]:
        """``(C, H, W)`` as built."""
        return self._frame_shape

    def _check_with_cp(self) -> None:
        """Raise unless timm's ``set_grad_checkpointing`` works for this model."""
        name = f'{type(self).__name__}({self.arch!r})'
        if not hasattr(self.model, 'set_grad_checkpointing'):
            raise ValueError(f'{name}: with_cp=True needs timm\'s set_grad_checkpointing, which '
                             f'{type(self.model).__name__} lacks; set with_cp=False')
        try:
            self.model.set_grad_checkpointing(True)
        except (AssertionError, NotImplementedError) as err:
            raise ValueError(f'{name}: timm\'s {type(self.model).__name__} does not support '
                             f'activation checkpointing ({err}); set with_cp=False') from err
        self.model.set_grad_checkpointing(False)

    def _classifier_keys(self) -> Tuple[str, ...]:
        heads = self.model.pretrained_cfg.get('classifier', 'head')
        return (heads,) if isinstance(heads, str) else tuple(heads)

    def _filtered(self, state_dict: Dict[str, torch.Tensor], path: str) -> Dict:
        """``state_dict`` through timm's filter of the model, classifier keys dropped."""
        filter_fn = timm_filter_fn(self.arch)
        if filter_fn is not None:
            try:
                state_dict = filter_fn(state_dict, self.model)
            except Exception as err:  # timm's own error, re-raised naming the file
                raise RuntimeError(f'encoder checkpoint {path!r} cannot be read as weights of '
                                   f'timm\'s {self.arch!r} (its checkpoint_filter_fn failed: '
                                   f'{err!r})') from err
        heads = self._classifier_keys()
        return {k: v for k, v in state_dict.items()
                if not any(k == h or k.startswith(h + '.') for h in heads)}

    def _load_checkpoint(self, path: str) -> str:
        """Load ``path``: ``.npz`` through timm's big_vision loader, else a timm state dict
        (through timm's filter, classifier dropped). Returns the format read."""
        if path.lower().endswith('.npz'):
            if not hasattr(self.model, 'load_pretrained'):
                raise RuntimeError(f'encoder checkpoint {path!r}: timm reads big_vision .npz files '
                                   f'for its ViTs only, not for {self.arch!r} '
                                   f'({type(self.model).__name__}); use a timm state dict '
                                   '(.safetensors, .pth)')
            try:
                self.model.load_pretrained(path)
            except Exception as err:  # timm's own error, re-raised naming the file
                raise RuntimeError(f'encoder checkpoint {path!r} (read as big_vision .npz) does '
                                   f'not fit the {type(self.model).__name__} built from the '
                                   f'config: {err!r}') from err
            return 'big_vision .npz'
        state_dict = self._filtered(load_local_state_dict(path), path)
        load_strict(self.model, state_dict, path, 'timm state dict')
        return 'timm state dict'

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` → pooled features ``(N, D)``."""
        return self.model(frames)
