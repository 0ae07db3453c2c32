"""One GPU check: its sections in order, the JSON and markdown rewritten after each.

Sections share a temporary workspace (weight files, the generated sets, the launcher's work
dir), removed at the end. ``DIR/gpu_check.json`` and ``DIR/gpu_check.md`` are written
atomically after every section, so a check stopped part-way keeps what it measured.
"""
import math
import os.path as osp
import tempfile
import time
from typing import Sequence

from ...utils.atomic_files import write_json, write_text
from .bf16_agreement import bench_bf16_agreement
from .check_table import TITLES, markdown_report, progress_line
from .data_vs_compute import bench_data_vs_compute
from .environment import environment, resolve_device
from .inference_speed import bench_inference
from .launcher_run import bench_launcher
from .paper_batch import bench_paper_batch, step_samples_per_s
from .settings import check_sizes

SECTIONS = dict(enumerate(TITLES, start=1))  # 1 -> 'paper_batch', ...
JSON_NAME, MARKDOWN_NAME = 'gpu_check.json', 'gpu_check.md'


def json_ready(value):
    """``value`` with every NaN or infinity written as the string ``'nan'``, ``'inf'`` or
    ``'-inf'`` (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def write_outputs(out_dir: str, results: dict) -> None:
    write_json(osp.join(out_dir, JSON_NAME), json_ready(results))
    write_text(osp.join(out_dir, MARKDOWN_NAME), markdown_report(results))


def _section(number: int, results: dict, workspace: str, sizes, device, dist_train: str):
    if number == 1:
        return bench_paper_batch(workspace, sizes, device)
    if number == 2:
        return bench_bf16_agreement(workspace, sizes, device)
    if number == 3:
        steps = step_samples_per_s(results['paper_batch']) if 'paper_batch' in results else None
        return bench_data_vs_compute(workspace, sizes, device, steps)
    if number == 4:
        return bench_inference(sizes, device)
    return bench_launcher(workspace, dist_train, sizes.dist_epochs, device)


def run_check(out_dir: str, device_name: str, tiny: bool, sections: Sequence[int],
              dist_train: str, repo: str, command: str) -> dict:
    """Run ``sections`` (numbers 1-5, run in order) and write the outputs; returns the results.

    Args:
        out_dir: where ``gpu_check.json`` and ``gpu_check.md`` go.
        device_name: ``'cuda'`` or ``'cpu'`` (:func:`.environment.resolve_device`).
        tiny: the ``--tiny`` sizes (:mod:`.settings`).
        dist_train: path of ``tools/dist_train.sh`` (section 5).
        repo: the checkout whose commit is recorded.
        command: the command line, for the record.
    """
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ValueError(f'sections are numbers {sorted(SECTIONS)}, got {unknown}')
    device = resolve_device(device_name)
    sizes = check_sizes(tiny)
    t0 = time.perf_counter()
    results = dict(schema=1, command=command, tiny=tiny, sections=sorted(set(sections)),
                   environment=environment(device, repo), wall_s=0.0)
    with tempfile.TemporaryDirectory(prefix='mmvicokd-gpu-check-') as workspace:
        for number in results['sections']:
            key = SECTIONS[number]
            start = time.perf_counter()
            results[key] = _section(number, results, workspace, sizes, device, dist_train)
            results[key]['wall_s'] = time.perf_counter() - start
            results['wall_s'] = time.perf_counter() - t0
            write_outputs(out_dir, results)
            print(progress_line(key, results[key]), flush=True)
    return results
