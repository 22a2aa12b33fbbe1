"""Plain-text tables that line up in a monospace font, where a Hangul syllable takes two columns.

Notebooks print tables as text (``print(table)``), so the columns must line up in Korean as well as
in English. One rule decides how wide a character is: Unicode's East Asian Width, where "W" (wide:
Hangul, CJK) and "F" (fullwidth) characters take two columns and every other character one, as
terminals and Jupyter's monospace output draw them. It is the standard library's rule
(:func:`unicodedata.east_asian_width`), so nothing is installed for it.

>>> display_width("손실"), display_width("loss")
(4, 4)
>>> print(text_table([["함수", "값"], ["relu", "1.5"], ["시그모이드", "0.25"]]))
함수          값
relu         1.5
시그모이드  0.25
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["display_width", "pad", "text_table"]


def display_width(text: str) -> int:
    """The number of monospace columns ``text`` takes: two for each wide or fullwidth character.

    >>> display_width("정확도 0.75")
    11
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` filled with spaces to ``width`` columns (on the left when ``right``); never cut.

    >>> pad("손실", 6) + "|", pad("손실", 6, right=True) + "|"
    ('손실  |', '  손실|')
    """
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def text_table(rows: Sequence[Sequence[str]], *, right: Sequence[bool] | None = None, sep: str = "  ") -> str:
    """``rows`` (lists of cells, the header first if any) as lines of aligned columns.

    Each column is as wide as its widest cell; ``right[i]`` right-aligns column ``i`` (default: the
    first column left, the others, usually numbers, right). Columns are joined by ``sep`` and
    trailing spaces are dropped.
    """
    rows = [[str(cell) for cell in row] for row in rows]
    if not rows:
        raise ValueError("rows must hold at least one row")
    ncols = len(rows[0])
    if any(len(row) != ncols for row in rows):
        raise ValueError(f"rows must all have {ncols} cells, got lengths {sorted({len(r) for r in rows})}")
    right = [i > 0 for i in range(ncols)] if right is None else list(right)
    if len(right) != ncols:
        raise ValueError(f"right must give one flag per column ({ncols}), got {len(right)}")
    widths = [max(display_width(row[i]) for row in rows) for i in range(ncols)]
    return "\n".join(sep.join(pad(cell, w, right=r) for cell, w, r in zip(row, widths, right)).rstrip()
                     for row in rows)
