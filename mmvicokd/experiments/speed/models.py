"""Models and batches of the model benchmarks: the Home-1 MultiASL configs users train."""
import copy

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import DefaultScope

from ...utils.package_configs import package_config

CONFIGS = dict(
    teacher='teacher/teacher_multiasl_home1_av_f.py',
    teacher_features='features/teacher_multiasl_home1_av_f_features.py',
    student='student/student_multiasl_home1_v_f.py',
    vicokd='vicokd/vicokd_multiasl_home1_v_f.py',
    student_features='features/student_multiasl_home1_v_f_features.py',
    vicokd_features='features/vicokd_multiasl_home1_v_f_features.py')


def _encoders(recognizer: dict, arch: str, img_size: int, depth, with_cp: bool) -> dict:
    """The recognizer config with the benchmark's encoder settings (weights never loaded)."""
    visual = recognizer['visual_encoder']
    visual.update(arch=arch, img_size=img_size, checkpoint=None, with_cp=with_cp)
    if depth is not None:
        visual['depth'] = depth
    if recognizer.get('audio_encoder') is not None:
        audio = recognizer['audio_encoder']
        audio.update(checkpoint=None, with_cp=with_cp)
        if depth is not None:
            audio['depth'] = depth
        with DefaultScope.overwrite_default_scope('mmaction'), torch.device('meta'):
            dim = MODELS.build(visual).out_dim
        if dim != audio.get('embed_dim'):
            audio['out_dim'] = dim
    return recognizer


def model_config(name: str, arch: str, img_size: int, depth=None, with_cp: bool = False) -> dict:
    """``model`` of ``CONFIGS[name]`` with the visual encoder ``arch`` at ``img_size`` (and
    ``depth`` blocks in both encoders if given) and ``with_cp``; a distiller's teacher inline."""
    model = copy.deepcopy(Config.fromfile(package_config(CONFIGS[name])).model.to_dict())
    if model['type'] == 'ViCoKDDistiller':
        teacher = Config.fromfile(model['teacher']).model.to_dict()
        model['teacher'] = _encoders(teacher, arch, img_size, depth, with_cp)
        model['student'] = _encoders(model['student'], arch, img_size, depth, with_cp)
        return model
    return _encoders(model, arch, img_size, depth, with_cp)


def build(cfg: dict, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(copy.deepcopy(cfg))


def data_samples(batch: int, views: int, frames: int, classes: int, seed: int = 0) -> list:
    """Labelled data samples: a few multi-hot frame labels, random human masks."""
    gen = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(batch):
        frame_label = (torch.rand(frames, classes, generator=gen) < 0.1).float()
        sample = ActionDataSample()
        sample.set_field(frame_label.amax(0), 'gt_label')
        sample.set_field(frame_label, 'frame_label')
        sample.set_field(torch.rand(views, frames, generator=gen) < 0.7, 'human_mask')
        samples.append(sample)
    return samples


def pixel_batch(model: torch.nn.Module, batch: int, views: int, frames: int,
                audio: bool, seed: int = 0) -> dict:
    """A collated batch as the pipeline gives it: uint8 video (and fbank audio) per sample."""
    gen = torch.Generator().manual_seed(seed)
    recognizer = getattr(model, 'student', model)
    frame_shape = recognizer.visual_encoder.frame_shape
    inputs = dict(video=[torch.randint(0, 256, (views, frames, *frame_shape), generator=gen,
                                       dtype=torch.uint8) for _ in range(batch)])
    if audio:
        teacher = getattr(model, 'teacher', model)
        inputs['audio'] = [torch.randn(views, frames, *teacher.audio_encoder.frame_shape,
                                       generator=gen) for _ in range(batch)]
    classes = recognizer.fusion.num_classes
    return dict(inputs=inputs, data_samples=data_samples(batch, views, frames, classes, seed))


def feature_batch(model: torch.nn.Module, batch: int, views: int, frames: int,
                  seed: int = 0) -> dict:
    """A collated batch of cached features: ``visual_feat`` and ``audio_feat`` (V, T, D)."""
    gen = torch.Generator().manual_seed(seed)
    recognizer = getattr(model, 'student', model)
    dim = recognizer.visual_encoder.out_dim
    inputs = {key: [torch.randn(views, frames, dim, generator=gen).half() for _ in range(batch)]
              for key in ('visual_feat', 'audio_feat')}
    classes = recognizer.fusion.num_classes
    return dict(inputs=inputs, data_samples=data_samples(batch, views, frames, classes, seed))
