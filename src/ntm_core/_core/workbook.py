"""The one Excel renderer: named sheets of rows, for the officials who read results in Excel.

Each sheet has a bold, frozen header row; numbers are stored as numbers (exact
fractions as the nearest double, which is what Excel holds), dates as dates,
text as text — and text that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is neutralised with a
leading apostrophe, the OWASP rule against formula injection.

The renderer returns the workbook's bytes; writing them to a file is the job of
the one file writer (no half-written files, no overwriting without being asked).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from ntm_core._core.optional import require

__all__ = ["FORMULA_STARTS", "Sheet", "neutralise", "workbook_bytes"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet cell starts with when it is (or may run) a formula."""
_ESCAPED = (*FORMULA_STARTS, "'")
_TITLE_LIMIT = 31  # Excel's limit on a sheet name
_BAD_TITLE_CHARACTERS = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: ``'=HYPERLINK(…)`` for ``=HYPERLINK(…)``.

    Text that already starts with an apostrophe gets one more, so that the
    readers, which drop one leading apostrophe before a formula character or
    another apostrophe (:func:`~ntm_core._core.tables.restore_cell`), give back
    exactly what was written.

    >>> neutralise("=1+1"), neutralise("Kỳ Anh"), neutralise("'=1")
    ("'=1+1", 'Kỳ Anh', "''=1")
    """
    return "'" + text if text.startswith(_ESCAPED) else text


def _header(value: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(name) for name in value)


def _rows(value: Iterable[Sequence[object]]) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(row) for row in value)


@attrs.frozen(kw_only=True)
class Sheet:
    r"""One sheet: a title, a header row and data rows.

    Attributes:
        title: The sheet's name (cut to Excel's 31 characters; ``[]:*?/\`` become spaces).
        header: Column titles.
        rows: The data, one tuple per row; ``None`` is an empty cell.
    """

    title: str
    header: tuple[str, ...] = attrs.field(converter=_header)
    rows: tuple[tuple[object, ...], ...] = attrs.field(converter=_rows)


def _cell(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, Fraction | Decimal):
        return int(value) if value == int(value) else float(value)
    return neutralise(str(value))


def _titles(sheets: Sequence[Sheet]) -> list[str]:
    titles: list[str] = []
    for sheet in sheets:
        base = sheet.title.translate(_BAD_TITLE_CHARACTERS).strip()[:_TITLE_LIMIT] or "Sheet"
        title, n = base, 1
        while title.casefold() in {t.casefold() for t in titles}:
            n += 1
            suffix = f" ({n})"
            title = base[: _TITLE_LIMIT - len(suffix)] + suffix
        titles.append(title)
    return titles


def workbook_bytes(sheets: Sequence[Sheet], *, feature: str = "Excel output") -> bytes:
    """The ``.xlsx`` bytes of ``sheets``, in order.

    Raises:
        MissingDependencyError: openpyxl is not installed (``pip install 'ntm-core[excel]'``).
    """
    openpyxl = require("openpyxl", feature=feature)
    styles = require("openpyxl.styles", feature=feature)
    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = styles.Font(bold=True)
    for title, sheet in zip(_titles(sheets), sheets, strict=True):
        page = book.create_sheet(title=title)
        page.append([neutralise(str(h)) for h in sheet.header])
        for cell in page[1]:
            cell.font = bold
        for row in sheet.rows:
            page.append([_cell(value) for value in row])
        page.freeze_panes = "A2"
        for index, name in enumerate(sheet.header, start=1):
            width = max([len(str(name)), *(len(str(r[index - 1] or "")) for r in sheet.rows[:200])])
            page.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(
                max(8, width + 2), 60
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
