"""Fig. 4 for several models on one recording: each model's frames under its attention.

Shared by ``tools/vis_attention.py`` and the demo's figures
(:mod:`mmvicokd.experiments.demo.figures`).
"""
from typing import Optional, Sequence, Tuple

from matplotlib.figure import Figure

TITLE = 'Last-layer CLS attention of the ViT visual encoder'


def attention_grid(pairs: Sequence[Tuple[str, str]], labels: Sequence[str], info: dict,
                   frames: Optional[Sequence[int]] = None, device: str = 'cpu') -> Figure:
    """One row per ``(config, checkpoint)`` pair, one column per view and frame.

    Args:
        pairs: config file and checkpoint of each model (a distiller's: its student).
        labels: a row label per model.
        info: the recording (:func:`.recording_source.dataset_recording`).
        frames: F grid frame indices at 2.5 FPS (default: the recording's middle frame).
        device: e.g. ``'cpu'``, ``'cuda:0'``.

    Returns:
        The figure (:func:`mmvicokd.visualization.attention_figure.attention_grid_figure`);
        save it at ``attention_figure.DPI``.

    Raises:
        ValueError: a model's visual encoder is a CNN (no attention to show), naming its config.
    """
    from mmengine.utils import ProgressBar

    from ..visualization.attention_figure import attention_grid_figure
    from ..visualization.vit_attention import encoder_vit
    from .attention_inference import recording_attention
    from .decoding_steps import decoding_steps
    from .model_loading import load_recognizer

    if len(labels) != len(pairs):
        raise ValueError(f'{len(labels)} row labels for {len(pairs)} models')
    images, maps = [], []
    bar = ProgressBar(len(pairs))
    for config, checkpoint in pairs:
        model, cfg = load_recognizer(config, checkpoint, device)
        encoder_vit(model.visual_encoder, where=config)  # a CNN encoder: one clear line
        steps = decoding_steps(cfg, use_audio=False, where=config)
        if frames is None:  # the middle grid frame of the recording
            frames = [steps.init.transform(dict(info))['num_clip_frames'] // 2]
        imgs, attention = recording_attention(model, steps, info, frames)
        # columns: every view at the first frame, then every view at the next one, ...
        images.append([imgs[v, f] for f in range(len(frames)) for v in range(len(imgs))])
        maps.append([attention[v, f] for f in range(len(frames)) for v in range(len(imgs))])
        bar.update()
    print()
    columns = [f'View {v}, t={f / info["fps"]:.1f} s' for f in frames for v in info['views']]
    return attention_grid_figure(images, maps, list(labels), columns,
                                 f'{TITLE}, recording {info["recording_id"]}')
