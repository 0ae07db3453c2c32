"""Where the model zoo's synthetic numbers come from: docs/synthetic_study.md, parsed.

The page is generated (``tools/demo.py --study``); its tables hold cells ``mean ± std [n=k]``
(Table 3: ``a → b (b - a)``). :func:`synthetic_cells` reads every table into
``{(table, level, row, column): [(mean, std, n), ...]}`` (one triple per run set in the cell,
two for Table 3), and :func:`synthetic_cell` names the cell of a ``configs/demo/`` config.
"""
import re
from typing import Dict, List, Optional, Tuple

CONFIG_NAME = re.compile(r'^(?P<method>[a-z_]+?)_(?P<backbone>multiasl|multitsf|multitrans)_'
                         r'(?P<data>home1|home2|synthetic)_(?P<setting>av_f|v_f|v_s)$')
# a cell of one run has no '± std [n=k]' (n = 1)
CELL = re.compile(r'(-?\d+\.\d+)(?: ± (\d+\.\d+))?(?: \([+-]?\d+\.\d+\))?(?: \[n=(\d+)\])?')
LEVELS = {'Sequence-level mAP (%)': 'seq', 'Frame-level mAP (%)': 'frame'}
#: Rows of Table 1 by method folder, and of Table 4 by ablation config tag.
TABLE1_ROWS = {'teacher': 'Teacher (AV_F)', 'student': 'Student', 'logitkd': 'LogitKD',
               'modalkd': 'ModalKD', 'dualkd': 'DualKD', 'cokd': 'CoKD', 'vicokd': 'ViCoKD'}
TABLE4_ROWS = {'noconfw': 'w/o ConfW', 'nomask': 'w/o Mask', 'kl': 'JS→KL', 'nofd': 'w/o FD',
               'nold': 'w/o LD'}

Run = Tuple[float, Optional[float], int]
Key = Tuple[str, str, str, str]


def synthetic_cells(path: str) -> Dict[Key, List[Run]]:
    """Every result cell of the page: ``(table number, 'seq'|'frame', row, column)`` →
    the ``(mean, std or None, n)`` written in it."""
    cells, table, level, header = {}, None, None, None
    with open(path) as f:
        for line in f.read().splitlines():
            if line.startswith('## '):
                match = re.match(r'## Table (\d+)', line)
                table, level, header = (match.group(1) if match else None), None, None
            elif line.startswith('### '):
                level, header = LEVELS.get(line[4:].strip()), None
            elif line.startswith('|') and table and level:
                row = [c.strip() for c in line.strip().strip('|').split('|')]
                if header is None:
                    header = row
                elif not set(row[0]) <= set('-: '):
                    for column, text in zip(header[1:], row[1:]):
                        cells[(table, level, row[0], column)] = [
                            (float(m), float(s) if s else None, int(n) if n else 1)
                            for m, s, n in CELL.findall(text)]
    return cells


def synthetic_cell(config_name: str, level: str) -> Tuple[Key, int]:
    """The cell of ``configs/demo/<config_name>.py`` at ``level`` and which run set in the
    cell is its own (Table 3 cells read ``teacher → teacher + VC``)."""
    parts = CONFIG_NAME.match(config_name).groupdict()
    method, setting = parts['method'], parts['setting']
    column = 'AV_F → ' + ('V_S' if setting == 'v_s' else 'V_F')
    if method == 'teacher_vc':
        return ('3', level, 'MultiASL', 'Home1 AV_F'), 1
    if method.startswith('vicokd_'):
        return ('4', level, TABLE4_ROWS[method[len('vicokd_'):]], 'Home1 ' + column), 0
    return ('1', level, TABLE1_ROWS[method], column), 0
