"""The one markdown table renderer of the project's reports and documents."""
from typing import Optional, Sequence


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                   align: Optional[str] = None) -> str:
    """A GitHub-markdown table; floats are printed with 3 significant digits, everything else
    with ``str``.

    Args:
        headers: column titles.
        rows: one sequence of cells per row, as many as ``headers``.
        align: one letter per column, ``'l'`` or ``'r'`` (default: all left).

    Raises:
        ValueError: a row or ``align`` does not have one entry per column.
    """
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f'{value:.3g}'
        return str(value)

    align = align or 'l' * len(headers)
    if len(align) != len(headers) or set(align) - {'l', 'r'}:
        raise ValueError(f"align {align!r} needs one 'l' or 'r' per column ({len(headers)})")
    rule = '|' + '|'.join('---:' if a == 'r' else '---' for a in align) + '|'
    lines = ['| ' + ' | '.join(headers) + ' |', rule]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f'row {row} has {len(row)} cells, the table {len(headers)} columns')
        lines.append('| ' + ' | '.join(cell(v) for v in row) + ' |')
    return '\n'.join(lines)
