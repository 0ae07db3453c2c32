"""Build a trained recognizer from a config and a checkpoint, outside MMEngine's Runner."""
from typing import Tuple, Union

import torch
from mmengine.config import Config

from ..models.distillers.checkpoint import (STUDENT_PREFIX, read_checkpoint,
                                            state_dict_mismatches, student_checkpoint)


def load_config(config: Union[str, Config]) -> Config:
    """``config`` itself, or the config file it names (one clear error if unreadable)."""
    if isinstance(config, Config):
        return config
    try:
        return Config.fromfile(config)
    except FileNotFoundError as err:
        raise FileNotFoundError(f'config file {config!r} does not exist') from err
    except Exception as err:  # MMEngine's parse error, re-raised naming the file
        raise RuntimeError(f'cannot read config {config!r}: {err}') from err


def recognizer_model_config(cfg: Config, where: str) -> dict:
    """The recognizer's model config: ``model`` itself, or the student of a distiller."""
    model = cfg.get('model')
    if model is None:
        raise KeyError(f'{where} defines no `model`')
    if model.get('type') == 'ViCoKDDistiller':
        model = model['student']
    if model.get('type') != 'MultiViewAVRecognizer':
        raise ValueError(f'{where}: model type {model.get("type")!r} is not a '
                         'MultiViewAVRecognizer (or a ViCoKDDistiller of one)')
    return model.to_dict() if hasattr(model, 'to_dict') else dict(model)


def load_recognizer(config: Union[str, Config], checkpoint: str,
                    device: Union[str, torch.device] = 'cpu') -> Tuple[torch.nn.Module, Config]:
    """A ``MultiViewAVRecognizer`` in eval mode with the weights of ``checkpoint``.

    A distiller config gives its student; its checkpoint may be the distiller's (``student.*``
    keys, the teacher's are ignored) or one cut by ``tools/extract_student.py``. Encoder
    pre-training files named in the config are not read: every weight comes from
    ``checkpoint``, loaded strictly.

    Returns:
        ``(model, cfg)``.

    Raises:
        FileNotFoundError / RuntimeError: unreadable config or checkpoint, or a checkpoint that
            does not fit the model (the message lists the mismatching keys).
    """
    import mmvicokd  # noqa: F401  (registers the models)
    from mmaction.registry import MODELS
    from mmengine.registry import DefaultScope

    where = config if isinstance(config, str) else 'the config'
    cfg = load_config(config)
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(recognizer_model_config(cfg, where))
    ckpt = read_checkpoint(checkpoint, f'checkpoint for {where}')
    state_dict = ckpt['state_dict']
    if any(key.startswith(STUDENT_PREFIX) for key in state_dict):
        state_dict = student_checkpoint(ckpt, checkpoint)['state_dict']
    problems = state_dict_mismatches(model, state_dict)
    if problems:
        raise RuntimeError(f'checkpoint {checkpoint!r} does not fit the recognizer of {where}: '
                           + '; '.join(problems))
    model.load_state_dict(state_dict, strict=True)
    return model.to(device).eval(), cfg
