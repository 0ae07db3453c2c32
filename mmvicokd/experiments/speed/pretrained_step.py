"""Section 9: one training step of the real-size teacher and ViCoKD distiller, started from
encoder weight files in each format users download, on a real-format recording.

The Home-1 MultiASL configs as users run them (ViT-S/32 at 224 px + AST-base 768/12/12
projected to 384, 5 views, T = 70, ``with_cp``), their encoders' ``checkpoint`` pointed at
files written by :mod:`.weight_writers` (random weights of the real shapes: ViT-S/32 as timm
``.safetensors``/``.pth``/augreg ``.npz``, AST-base with AST's 1024-frame position table as a
hub download folder (``model.safetensors``), a hub ``pytorch_model.bin`` and the original
repository's ``.pth``), the batch decoded by the config's own pipeline from one MultiSensor-Home
shaped recording (5 H.264 + AAC views). Each case runs in a fresh process (peak RSS is its
own): build, ``init_weights`` (the real loading path), one ``train_step`` (Adam), timed.
"""
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import time

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope

from ...utils.package_configs import package_config
from .models import CONFIGS
from .recording import write_recording

CASES = (  # (model, ViT file, AST file)
    ('teacher', 'vit.npz', 'ast_hub'),
    ('teacher', 'vit.safetensors', 'ast_hub_bin'),
    ('teacher', 'vit.pth', 'audioset_10_10_0.4593.pth'),
    ('vicokd', 'vit.npz', 'ast_hub'),
)


def write_weight_files(folder: str, depth=None) -> None:
    """Real-shape random ViT-S/32 and AST-base weights (``depth`` blocks each if given) in
    every downloaded layout."""
    from safetensors.torch import save_file

    from ...models.encoders import ASTEncoder, TimmViTEncoder
    from .weight_writers import ast_hub_state, ast_original_state, write_augreg_npz
    torch.manual_seed(0)
    blocks = {} if depth is None else dict(depth=depth)
    vit = TimmViTEncoder('vit_small_patch32_224', img_size=224, **blocks).model
    state = dict(vit.state_dict(), **{'head.weight': torch.zeros(1000, 384),
                                      'head.bias': torch.zeros(1000)})
    save_file({k: v.contiguous() for k, v in state.items()}, osp.join(folder, 'vit.safetensors'))
    torch.save(state, osp.join(folder, 'vit.pth'))
    write_augreg_npz(vit, osp.join(folder, 'vit.npz'), num_classes=1000)
    ast = ASTEncoder(embed_dim=768, depth=depth or 12, num_heads=12, input_tdim=1024).model
    hub = ast_hub_state(ast.state_dict())
    os.makedirs(osp.join(folder, 'ast_hub'), exist_ok=True)
    save_file(hub, osp.join(folder, 'ast_hub', 'model.safetensors'))
    os.makedirs(osp.join(folder, 'ast_hub_bin'), exist_ok=True)
    torch.save(hub, osp.join(folder, 'ast_hub_bin', 'pytorch_model.bin'))
    torch.save(ast_original_state(ast.state_dict()),
               osp.join(folder, 'audioset_10_10_0.4593.pth'))


def _batch(cfg, folder: str, recording: dict) -> dict:
    from mmaction.registry import DATASETS
    from mmengine.dataset import pseudo_collate
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.update(data_root=folder, ann_file=recording['ann_file'],
                       human_mask_file=recording['mask_file'])
    return pseudo_collate([DATASETS.build(dataset_cfg)[0]])


def _set_depth(model: dict, depth) -> None:
    if depth is not None:
        for key in ('visual_encoder', 'audio_encoder'):
            if model.get(key):
                model[key]['depth'] = depth


def _set_clip_len(cfg, clip_len) -> None:
    if clip_len is not None:
        for step in cfg.train_dataloader.dataset.pipeline:
            if step['type'] == 'SampleMultiViewFrames':
                step['clip_len'] = clip_len


def teacher_config(folder: str, vit_file: str, ast_file: str, depth=None) -> Config:
    """The Home-1 MultiASL teacher config with its encoders' ``checkpoint`` at ``vit_file`` and
    ``ast_file`` of ``folder`` (files of :func:`write_weight_files`; ``depth`` blocks each if
    given)."""
    cfg = Config.fromfile(package_config(CONFIGS['teacher']))
    cfg.model.visual_encoder.checkpoint = osp.join(folder, vit_file)
    cfg.model.audio_encoder.checkpoint = osp.join(folder, ast_file)
    _set_depth(cfg.model, depth)
    return cfg


def build_loaded(model_name: str, cfg: Config, folder: str, vit_file: str,
                 depth=None) -> torch.nn.Module:
    """Build ``'teacher'`` (``cfg.model``, :func:`teacher_config`) or ``'vicokd'`` (the ViCoKD
    V_F distiller whose student ViT loads ``vit_file`` and whose teacher is that teacher, saved
    as ``folder/teacher.pth``) and run ``init_weights``: the loading path users run. On the CPU,
    in mmaction's scope."""
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(cfg.model)
        model.init_weights()
        if model_name == 'vicokd':
            teacher_ckpt = osp.join(folder, 'teacher.pth')
            torch.save(dict(state_dict=model.state_dict()), teacher_ckpt)
            dcfg = Config.fromfile(package_config(CONFIGS['vicokd']))
            dcfg.model.student.visual_encoder.checkpoint = osp.join(folder, vit_file)
            dcfg.model.teacher_ckpt = teacher_ckpt
            dcfg.model.teacher = cfg.model
            _set_depth(dcfg.model.student, depth)
            del model
            model = MODELS.build(dcfg.model)
            model.init_weights()
    return model


def run_case(model_name: str, vit_file: str, ast_file: str, folder: str, recording: dict,
             threads: int, depth=None, clip_len=None) -> dict:
    """One case in this process: build, load the weight files, one train step (encoders of
    ``depth`` blocks and clips of ``clip_len`` frames if given, for a quick check; the configs'
    own otherwise)."""
    from mmengine.optim import OptimWrapper
    torch.set_num_threads(threads)
    cfg = teacher_config(folder, vit_file, ast_file, depth)
    _set_clip_len(cfg, clip_len)
    with DefaultScope.overwrite_default_scope('mmaction'):
        batch = _batch(cfg, folder, recording)
    t0 = time.perf_counter()
    model = build_loaded(model_name, cfg, folder, vit_file, depth)
    load_s = time.perf_counter() - t0
    optim = OptimWrapper(torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-4))
    model.train()
    t0 = time.perf_counter()
    with DefaultScope.overwrite_default_scope('mmaction'):
        log_vars = model.train_step(batch, optim)
    step_s = time.perf_counter() - t0
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return dict(model=model_name, vit=vit_file, ast=ast_file, load_s=load_s, step_s=step_s,
                peak_rss_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20,
                params_m=params / 1e6, trainable_m=trainable / 1e6,
                losses={k: float(v) for k, v in log_vars.items()})


def bench_pretrained_step(folder: str, threads: int, depth=None, clip_len=None,
                          duration: float = 30.0) -> dict:
    """Write the weight files and a ``duration``-s 5-view recording into ``folder``; run every
    case of :data:`CASES` in its own process (:func:`run_case`). Returns ``dict(rows=[...])``."""
    write_weight_files(folder, depth)
    recording = write_recording(folder, num_views=5, duration=duration,
                                fps=15.0, width=320, height=240, audio_rate=16000)
    rows = []
    for case in CASES:
        spec = json.dumps(dict(case=case, folder=folder, recording=recording, threads=threads,
                               depth=depth, clip_len=clip_len))
        out = subprocess.run([sys.executable, '-m', __name__, spec], capture_output=True,
                             text=True)
        if out.returncode != 0:
            raise RuntimeError(f'pretrained-step case {case} failed:\n{out.stderr[-4000:]}')
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return dict(rows=rows)


if __name__ == '__main__':
    import mmvicokd  # noqa: F401  (registers the models)
    args = json.loads(sys.argv[1])
    print(json.dumps(run_case(*args['case'], args['folder'], args['recording'],
                              args['threads'], args.get('depth'), args.get('clip_len'))))
