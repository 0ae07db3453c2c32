"""Table-1-style markdown reports of knowledge-distillation runs (paper Table 1).

A result is ``dict(method=str, setting=str, metrics={'frame_mAP': float, 'seq_mAP': float})``
with ``setting`` one of ``'AV_F'`` (the teacher), ``'V_F'`` or ``'V_S'``. Each student cell shows
the mAP and, in parentheses, its difference from the non-distilled ``Student`` of the same
setting, as the paper does.
"""
from typing import Dict, List, Sequence

SETTINGS = ('V_F', 'V_S')
BASELINE = 'Student'


def _cell(value, baseline) -> str:
    if value is None:
        return '—'
    if baseline is None:
        return f'{value:.2f}'
    return f'{value:.2f} ({value - baseline:+.2f})'


def kd_table(results: Sequence[Dict], metric: str = 'seq_mAP',
             teacher_method: str = 'Teacher') -> str:
    """Markdown table: one row per method, one column per supervision setting.

    Args:
        results: run results (see the module docstring); at most one per (method, setting).
        metric: which metric to show (``seq_mAP``, the paper's, or ``frame_mAP``), in percent.
        teacher_method: the method name of the AV_F teacher rows.

    Returns:
        The table, teacher first, then ``Student``, then the other methods in input order.
    """
    cells: Dict[tuple, float] = {}
    methods: List[str] = []
    for res in results:
        key = (res['method'], res['setting'])
        if key in cells:
            raise ValueError(f'two results for method {key[0]!r}, setting {key[1]!r}')
        if metric not in res['metrics']:
            raise KeyError(f'result of {key} has no {metric!r}: {sorted(res["metrics"])}')
        cells[key] = float(res['metrics'][metric])
        if res['method'] not in methods:
            methods.append(res['method'])
    order = ([m for m in (teacher_method, BASELINE) if m in methods]
             + [m for m in methods if m not in (teacher_method, BASELINE)])
    header = (f'| Method | AV_F → V_F ({metric}, %) | AV_F → V_S ({metric}, %) |\n'
              '|---|---|---|')
    rows = []
    for method in order:
        if method == teacher_method:
            value = cells.get((method, 'AV_F'))
            rows.append(f'| {method} (AV_F) | {_cell(value, None)} | {_cell(value, None)} |')
            continue
        row = [method]
        for setting in SETTINGS:
            baseline = None if method == BASELINE else cells.get((BASELINE, setting))
            row.append(_cell(cells.get((method, setting)), baseline))
        rows.append('| ' + ' | '.join(row) + ' |')
    return '\n'.join([header, *rows])
