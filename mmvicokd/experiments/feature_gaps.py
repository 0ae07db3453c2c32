"""How far a visual-only student's features are from its teacher's on the test split.

What feature distillation (Eq. 7) and the cross-modal adapter act on, per test recording:

* ``fd_attn``, ``fd_av``: squared L2 distance between the student's and the teacher's
  ``attn`` (F_attn) and ``av`` (F_AV) features, averaged over the D channels (Eq. 7 with
  ``reduction='mean'``, the configs' choice), summed over views and frames;
* ``adapter_cos``: cosine similarity between the student's pseudo-audio F̂_A (the adapter's
  output) and the teacher's audio features F_A, summed over views and frames.

Each is kept as ``[sum, count]`` per recording (count = V·T) so that a bootstrap over
recordings can resample it. The student and the teacher see the same batch: the teacher its
video and audio, the student its video.
"""
import json
from typing import Dict, Optional

import torch

from ..utils.atomic_files import write_json

#: where a run's work dir keeps them (``tools/analysis_tools/feature_gaps.py``)
FEATURE_GAPS_FILE = 'test_feature_gaps.json'
GAPS = ('fd_attn', 'fd_av', 'adapter_cos')


def feature_gap_sums(student: Dict[str, torch.Tensor],
                     teacher: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Per-sample sums (B,) of each statistic of the module docstring.

    Args:
        student, teacher: ``extract_feat`` outputs with ``attn``, ``av`` and ``audio``, each
            (B, V, T, D) (the student's ``audio`` is its pseudo-audio).
    """
    out = {}
    for name, key in (('fd_attn', 'attn'), ('fd_av', 'av')):
        if student[key].shape != teacher[key].shape:
            raise ValueError(f'feature_gap_sums: student {key} {tuple(student[key].shape)} '
                             f'and teacher {key} {tuple(teacher[key].shape)} differ')
        out[name] = (student[key].float() - teacher[key].float()).pow(2).mean(-1).sum((1, 2))
    cos = torch.nn.functional.cosine_similarity(student['audio'].float(),
                                                teacher['audio'].float(), dim=-1)
    out['adapter_cos'] = cos.sum((1, 2))
    return out


@torch.no_grad()
def measure_feature_gaps(student: torch.nn.Module, teacher: torch.nn.Module,
                         dataloader) -> Dict[str, Dict[str, list]]:
    """``{recording id: {statistic: [sum, count]}}`` over ``dataloader`` (with a progress bar).

    Args:
        student, teacher: ``MultiViewAVRecognizer`` in eval mode (the teacher with audio).
        dataloader: a test dataloader whose batches hold video and audio.
    """
    from mmengine.utils import ProgressBar
    gaps: Dict[str, Dict[str, list]] = {}
    bar = ProgressBar(len(dataloader.dataset))
    for batch in dataloader:
        t_data = teacher.data_preprocessor(batch, False)
        s_data = student.data_preprocessor(batch, False)
        sums = feature_gap_sums(student.extract_feat(s_data['inputs']),
                                teacher.extract_feat(t_data['inputs']))
        views, frames = t_data['inputs']['video'].shape[1:3]
        for index, sample in enumerate(t_data['data_samples']):
            rid = sample.metainfo['recording_id']
            if rid in gaps:
                raise ValueError(f'recording {rid!r} appears twice in the test split')
            gaps[rid] = {name: [float(sums[name][index]), views * frames] for name in GAPS}
            bar.update()
    return gaps


def teacher_source(cfg, teacher_config: Optional[str], teacher_ckpt: Optional[str],
                   where: str):
    """``(teacher Config, teacher checkpoint, Config whose test dataloader loads audio)`` for a
    student config ``cfg``: a distiller's own teacher unless ``teacher_config`` is given (then
    ``teacher_ckpt`` too); a recognizer trained alone needs them."""
    from mmengine.config import Config
    model = cfg.model
    if teacher_config is None:
        if model.get('type') != 'ViCoKDDistiller':
            raise ValueError(f'{where} is a recognizer trained alone: give the teacher to '
                             'compare it with (--teacher-config and --teacher-ckpt)')
        teacher = model.teacher
        teacher_cfg = Config.fromfile(teacher) if isinstance(teacher, str) else \
            Config(dict(model=teacher))
        return teacher_cfg, teacher_ckpt or model.teacher_ckpt, cfg
    if teacher_ckpt is None:
        raise ValueError('a teacher config needs its checkpoint (--teacher-ckpt)')
    teacher_cfg = Config.fromfile(teacher_config)
    return teacher_cfg, teacher_ckpt, teacher_cfg


def run_feature_gaps(config: str, checkpoint: str, teacher_config: Optional[str] = None,
                     teacher_ckpt: Optional[str] = None, data_root: Optional[str] = None,
                     device: str = 'cpu') -> Dict[str, Dict[str, list]]:
    """Load the student and its teacher and :func:`measure_feature_gaps` on the test split of
    the config that holds the teacher (see :func:`teacher_source`)."""
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    from ..apis.model_loading import load_config, load_recognizer
    from ..utils.data_root import set_data_root

    cfg = load_config(config)
    teacher_cfg, teacher_ckpt, data_cfg = teacher_source(cfg, teacher_config, teacher_ckpt,
                                                         config)
    if data_root is not None:
        set_data_root(data_cfg, data_root)
    student, _ = load_recognizer(cfg, checkpoint, device)
    teacher, _ = load_recognizer(teacher_cfg, teacher_ckpt, device)
    if not teacher.is_teacher:
        raise ValueError(f'the teacher of {config} ({teacher_ckpt}) has no audio encoder')
    with DefaultScope.overwrite_default_scope('mmaction'):
        loader = Runner.build_dataloader(data_cfg.test_dataloader)
    return measure_feature_gaps(student, teacher, loader)


def write_feature_gaps(gaps: Dict[str, Dict[str, list]], path: str) -> None:
    """Write ``gaps`` to ``path`` as JSON, atomically."""
    write_json(path, gaps)


def read_feature_gaps(path: str) -> Dict[str, Dict[str, list]]:
    """What :func:`write_feature_gaps` wrote."""
    with open(path) as f:
        return json.load(f)
