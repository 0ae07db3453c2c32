"""Section 4: student inference speed, bf16 autocast, at batch 1 and 12.

The Home-1 MultiASL Student V_F (the model ``tools/extract_student.py`` gives; ViT-S/32 at
224 px, random weights: speed does not depend on them) in eval mode, ``model.test_step`` (data
preprocessor and ``predict``: frame and sequence scores) under ``torch.no_grad`` and bf16
autocast, on batches of B clips of V x T frames (uint8 video (V, T, 3, 224, 224) per clip, on the
CPU as a loader gives them).
"""
import torch
from mmengine.registry import DefaultScope

from ..speed.models import CONFIGS, build, model_config, pixel_batch
from .device_timing import release, run_calls
from .settings import CheckSizes

ARCH, IMG_SIZE = 'vit_small_patch32_224', 224


def bench_inference(sizes: CheckSizes, device: torch.device) -> dict:
    """The JSON's ``inference``: one row per batch size (``batch``, ``median_s``,
    ``clips_per_s``, ``max_memory_allocated_gib``, ``oom``)."""
    model = build(model_config('student', ARCH, IMG_SIZE, sizes.depth)).to(device).eval()
    rows = []
    for batch_size in sizes.inference_batches:
        batch = pixel_batch(model, batch_size, sizes.views, sizes.frames, audio=False)

        def infer():
            with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16), \
                    DefaultScope.overwrite_default_scope('mmaction'):
                return model.test_step(batch)
        run = run_calls(infer, device, sizes.inference_warmup, sizes.inference_repeats)
        median = run['median_s']
        rows.append(dict(batch=batch_size, median_s=median,
                         clips_per_s=batch_size / median if median else None,
                         max_memory_allocated_gib=run['max_memory_allocated_gib'],
                         oom=run['oom']))
    del model
    release(device)
    return dict(model='student', config=CONFIGS['student'],
                precision='bf16', views=sizes.views, frames=sizes.frames, depth=sizes.depth,
                rows=rows)
