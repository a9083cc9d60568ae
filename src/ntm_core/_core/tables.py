"""Tables from files: one reader for CSV, JSON and Excel, one atomic writer.

:func:`read_table` turns a file into a header and its cells column by
column, with the row number a user sees beside each data row. Text is UTF-8
(a byte-order mark is fine) or a :class:`~ntm_core.exceptions.DataError`
saying how to fix it; the CSV delimiter (``,``, ``;`` or tab) is found from
the header; quoted cells may hold newlines. :func:`write_text` replaces a
file whole or not at all.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from ntm_core._core.text import nfc
from ntm_core.exceptions import DataError, InputError, OutputError

__all__ = [
    "Table",
    "csv_table",
    "decode",
    "json_table",
    "load_json",
    "read_table",
    "records_table",
    "write_bytes",
    "write_text",
    "xlsx_table",
]


class Table:
    """A header and its cells, column by column, from any format.

    ``rows`` holds the number users see for each data row: the spreadsheet
    row (header = 1) for CSV and Excel, the 1-based position for JSON and
    records. ``header_row`` is 1 for files with a header row, else ``None``.
    """

    __slots__ = ("columns", "header", "header_row", "problems", "rows", "source")

    def __init__(
        self,
        *,
        header: list[str],
        columns: list[Sequence[object]],
        rows: list[int],
        header_row: int | None,
        source: str | None,
        problems: list[InputError] | None = None,
    ) -> None:
        self.header = header
        self.columns = columns
        self.rows = rows
        self.header_row = header_row
        self.source = source
        self.problems: list[InputError] = problems if problems is not None else []

    def text_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each data row's number and its cells as stripped text by column name.

        Empty cells are ``""``; a column name given twice keeps its first cell.
        """
        for position, row in enumerate(self.rows):
            cells: dict[str, str] = {}
            for name, column in zip(self.header, self.columns, strict=True):
                cell = column[position]
                cells.setdefault(name, "" if cell is None else str(cell).strip())
            yield row, cells


def read_table(path: Path, source: str) -> Table:
    """Read a CSV, JSON or XLSX file into a :class:`Table`."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".tsv", ".txt", ".json", ".xlsx"}:
        raise DataError(
            f"unsupported file type {path.suffix!r}; expected .csv, .json or .xlsx",
            source=source,
        )
    if suffix == ".xlsx":
        return xlsx_table(path, source)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"cannot read the file: {err.strerror}", source=source) from None
    text = decode(data, source)
    if suffix == ".json":
        return json_table(text, source)
    return csv_table(text, source)


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a byte-order mark is fine), or a :class:`DataError` saying how to fix it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = data.count(b"\n", 0, err.start) + 1
        raise DataError(
            f"not UTF-8 (byte 0x{data[err.start]:02x} in row {row}); "
            "save the file as 'CSV UTF-8' (Excel: Save As → CSV UTF-8)",
            source=source,
            row=row,
        ) from None


def _delimiter(first_line: str) -> str:
    """The delimiter of a CSV file: whichever of ``,``, ``;`` and tab the header uses most.

    Spreadsheets in a decimal-comma locale (Vietnamese Excel) write ``;``.
    """
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(text: str, delimiter: str, source: str) -> list[list[str]]:
    """Split CSV text into records; plain files (no quotes, no bare CR) take a fast path."""
    if '"' not in text and "\r" not in text.replace("\r\n", ""):
        return [line.split(delimiter) for line in text.replace("\r\n", "\n").split("\n")]
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        raise DataError(f"not a readable CSV file: {err}", source=source) from None


def csv_table(text: str, source: str) -> Table:
    if not text.strip():
        raise DataError("empty file: no header row", source=source)
    records = _csv_records(text, _delimiter(text.split("\n", 1)[0]), source)
    header = [nfc(name) for name in records[0]]
    width = len(header)
    problems: list[InputError] = []
    rows: list[int] = []
    data: list[list[str]] = []
    for number, record in enumerate(records[1:], start=2):
        cells = record
        if len(cells) != width or not any(cells):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (often at the end of exported sheets)
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            elif len(cells) > width:
                if any(cell.strip() for cell in cells[width:]):
                    problems.append(
                        InputError(
                            f"the row has {len(cells)} cells but the header has {width} columns",
                            source=source,
                            row=number,
                        )
                    )
                cells = cells[:width]
        rows.append(number)
        data.append(cells)
    if not data:
        raise DataError("no data rows below the header", source=source)
    columns: list[Sequence[object]] = list(zip(*data, strict=True))
    return Table(
        header=header, columns=columns, rows=rows, header_row=1, source=source, problems=problems
    )


def load_json(text: str, source: str) -> object:
    """Parse JSON exactly (decimals stay Decimal; NaN and Infinity are refused)."""

    def reject_constant(name: str) -> object:
        raise ValueError(f"{name} is not a number")

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=reject_constant)
    except json.JSONDecodeError as err:
        raise DataError(
            f"unreadable JSON: {err.msg} (line {err.lineno}, column {err.colno})", source=source
        ) from None
    except (ValueError, RecursionError) as err:
        raise DataError(f"unreadable JSON: {err}", source=source) from None


def json_table(text: str, source: str) -> Table:
    document = load_json(text, source)
    if isinstance(document, dict) and "observations" in document:
        document = document["observations"]
    if not isinstance(document, list):
        raise DataError(
            'expected a list of objects, or {"observations": [...]}, '
            f"got a JSON {type(document).__name__}",
            source=source,
        )
    if not document:
        raise DataError("no observations: the list is empty", source=source)
    return records_table(document, source=source)


def records_table(records: Iterable[object], *, source: str | None) -> Table:
    """A table from mappings of column name to value (JSON objects or Python dicts)."""
    problems: list[InputError] = []
    names: dict[str, int] = {}
    header: list[str] = []
    rows: list[int] = []
    cells: list[list[object]] = []
    for number, record in enumerate(records, start=1):
        rows.append(number)
        values: list[object] = [None] * len(header)
        if not isinstance(record, Mapping):
            problems.append(
                InputError(
                    "expected an object mapping column names to values, "
                    f"got {type(record).__name__}",
                    source=source,
                    row=number,
                    value=record,
                )
            )
        else:
            for raw, value in record.items():
                if not isinstance(raw, str):
                    problems.append(
                        InputError(
                            f"column names must be text, got {raw!r}",
                            source=source,
                            row=number,
                            value=raw,
                        )
                    )
                    continue
                index = names.get(raw)
                if index is None:
                    index = names[raw] = len(header)
                    header.append(nfc(raw))
                    values.append(None)
                values[index] = tuple(value) if isinstance(value, list) else value
        cells.append(values)
    if not rows:
        raise DataError("no observations: there are no records", source=source)
    width = len(header)
    columns: list[Sequence[object]] = [
        [row[j] if j < len(row) else None for row in cells] for j in range(width)
    ]
    return Table(
        header=header, columns=columns, rows=rows, header_row=None, source=source, problems=problems
    )


def xlsx_table(path: Path, source: str) -> Table:
    try:
        import openpyxl
    except ImportError:
        raise DataError(
            "reading .xlsx files needs openpyxl: pip install 'ntm-core[excel]'", source=source
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    # openpyxl reports a corrupt or non-Excel file with several exception types.
    except Exception as err:  # noqa: BLE001
        raise DataError(f"not a readable Excel file: {err}", source=source) from None
    try:
        records = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    if not records or not any(cell is not None for cell in records[0]):
        raise DataError("empty file: no header row", source=source)
    problems: list[InputError] = []
    header: list[str] = []
    kept: list[int] = []
    for index, cell in enumerate(records[0]):
        if isinstance(cell, float):
            # Excel turns a typed "17.10" into 17.1, another indicator's code.
            problems.append(
                InputError(
                    "a column name that Excel stored as a number is ambiguous "
                    "(17.10 becomes 17.1); format the header cells as text",
                    source=source,
                    row=1,
                    column=f"#{index + 1}",
                    value=cell,
                )
            )
            continue
        kept.append(index)
        header.append("" if cell is None else nfc(str(cell)))
    width = len(records[0])
    rows: list[int] = []
    data: list[list[object]] = []
    for number, record in enumerate(records[1:], start=2):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in record):
            continue
        rows.append(number)
        padded = record + [None] * (width - len(record))
        data.append([padded[i] for i in kept])
    if not data:
        raise DataError("no data rows below the header", source=source)
    columns: list[Sequence[object]] = list(zip(*data, strict=True))
    return Table(
        header=header, columns=columns, rows=rows, header_row=1, source=source, problems=problems
    )


# ---------------------------------------------------------------- writing


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write ``text`` as UTF-8 to ``path``, whole or not at all; see :func:`write_bytes`."""
    return write_bytes(path, text.encode("utf-8"), force=force)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path``, whole or not at all.

    The data go to a new temporary file with a unique name in the same folder,
    which then takes the file's place in one step; on any failure it is removed.

    Raises:
        OutputError: ``path`` exists and ``force`` is false, is a directory, its
            folder does not exist, or the system refuses the write.
    """
    name = os.fspath(path)
    target = Path(name)
    if target.is_dir():
        raise OutputError("is a directory; name a file to write", path=name)
    if not target.parent.is_dir():
        raise OutputError(f"the folder {str(target.parent)!r} does not exist", path=name)
    if (target.exists() or target.is_symlink()) and not force:
        raise OutputError("the file exists; pass --force (force=True) to replace it", path=name)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as err:
        raise OutputError(f"cannot write here: {err.strerror}", path=name) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temporary).replace(target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(err, OSError):
            raise OutputError(f"cannot write the file: {err.strerror or err}", path=name) from None
        raise
    return target
