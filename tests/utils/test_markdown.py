"""The one markdown table renderer."""
import pytest

from mmvicokd.utils.markdown import markdown_table


def test_markdown_table_cells_and_alignment():
    assert markdown_table(['a', 'b'], [('x', 0.123456), ('y', 2)]).splitlines() == [
        '| a | b |', '|---|---|', '| x | 0.123 |', '| y | 2 |']
    assert markdown_table(['p', 'n'], [('t', '1.00')], align='lr').splitlines()[1] == \
        '|---|---:|'
    with pytest.raises(ValueError, match='2 cells'):
        markdown_table(['a'], [('x', 1)])
    with pytest.raises(ValueError, match="one 'l' or 'r'"):
        markdown_table(['a'], [], align='c')
