"""The check's results as rows (section, measurement, value): the markdown table of
``gpu_check.md`` and the progress line printed after each section."""
from typing import Iterator

from ...utils.markdown import markdown_table

TITLES = {'paper_batch': "1. paper's batch", 'bf16_vs_fp32': '2. bf16 vs fp32',
          'data_vs_compute': '3. data vs compute', 'inference': '4. student inference',
          'launcher': '5. launcher'}
NOT_MEASURED = '—'


def _value(value):
    return NOT_MEASURED if value is None else value


def _paper_batch(section: dict) -> Iterator[tuple]:
    batch = 'x'.join(map(str, section['batch']))
    for model in section['models']:
        yield f"{model['model']}: build + load weight files (s)", model['load_s']
    for row in section['rows']:
        name = f"{row['model']} {row['precision']}, batch {batch}"
        if row['oom'] is not None:
            yield f'{name}: out of memory', f"at {row['oom']['call']}: {row['oom']['message']}"
            continue
        yield f"{name}: s/step (median of {section['timed_steps']})", row['median_s_per_step']
        yield f'{name}: samples/s', row['samples_per_s']
        yield f'{name}: max memory allocated (GiB)', _value(row['max_memory_allocated_gib'])


def _bf16_vs_fp32(section: dict) -> Iterator[tuple]:
    for row in section['models']:
        name = f"{row['model']}, {section['steps']} steps"
        for precision, oom in row['oom'].items():
            if oom is not None:
                yield f'{name}: {precision} out of memory', f"at {oom['call']}"
        where = (f" (step {row['max_rel_diff_step']}, {row['max_rel_diff_key']})"
                 if row['max_rel_diff'] is not None else '')
        yield f'{name}: largest relative loss difference{where}', _value(row['max_rel_diff'])
        yield f'{name}: non-finite losses', ', '.join(
            f"{n['precision']} step {n['step']} {n['key']}" for n in row['non_finite']) or 'none'


def _data_vs_compute(section: dict) -> Iterator[tuple]:
    for row in section['rows']:
        yield f"{row['path']}, {row['workers']} workers: samples/s", row['samples_per_s']
    for row in section['derived']:
        step = f"{row['model']} step ({row['step_samples_per_s']:.3g} samples/s)" \
            if row['step_samples_per_s'] is not None else f"{row['model']} step"
        yield f"{row['path']}: cores per GPU for the {step}", _value(row['cores_per_gpu'])
        yield f"{row['path']}: fewest measured workers that keep up with the {row['model']} step", \
            _value(row['workers_enough'])


def _inference(section: dict) -> Iterator[tuple]:
    for row in section['rows']:
        name = f"{section['precision']}, batch {row['batch']}"
        if row['oom'] is not None:
            yield f'{name}: out of memory', f"at {row['oom']['call']}"
            continue
        yield f'{name}: clips/s', row['clips_per_s']


def _launcher(section: dict) -> Iterator[tuple]:
    yield 'backend, processes', f"{section['backend']}, {section['world_size']}"
    if section['nccl_skipped']:
        yield 'NCCL', f"skipped: {section['nccl_skipped']}"
    yield 'training steps logged', section['train_steps']
    yield 'last loss', _value(section['last_loss'])
    yield 'launcher run time (s)', section['run_s']


ROWS = {'paper_batch': _paper_batch, 'bf16_vs_fp32': _bf16_vs_fp32,
        'data_vs_compute': _data_vs_compute, 'inference': _inference, 'launcher': _launcher}


def section_rows(key: str, section: dict) -> list:
    """``[(measurement, value)]`` of one section of the JSON."""
    return list(ROWS[key](section))


def progress_line(key: str, section: dict) -> str:
    rows = '; '.join(f'{what} {value:.3g}' if isinstance(value, float) else f'{what} {value}'
                     for what, value in section_rows(key, section) if value != NOT_MEASURED)
    return f"[gpu_check] {TITLES[key]} ({section['wall_s']:.0f} s): {rows}"


def markdown_report(results: dict) -> str:
    """``gpu_check.md``: where it ran, then one table of every measurement."""
    env = results['environment']
    memory = (f", {env['device_memory_gib']:.1f} GiB" if env['device_memory_gib'] is not None
              else '')
    commit = env['commit'] or 'no git checkout'
    if env['dirty']:
        commit += ' (with uncommitted changes)'
    rows = [(TITLES[key], what, value) for key in TITLES if key in results
            for what, value in section_rows(key, results[key])]
    return '\n'.join([
        '# GPU check', '',
        f"`{results['command']}` on {env['device']} ({env['device_name']}{memory}), torch "
        f"{env['torch']}, CUDA {env['cuda']}, {env['cpu_count']} CPU cores, {env['date']}, "
        f"commit {commit}; {'--tiny sizes' if results['tiny'] else 'the paper sizes'}, "
        f"{results['wall_s']:.0f} s in all.", '',
        markdown_table(['section', 'measurement', 'value'], rows, 'llr'), ''])
