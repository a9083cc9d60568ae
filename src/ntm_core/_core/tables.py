"""Tables and files: one reader for CSV, JSON and Excel, one CSV writer, one file writer.

:func:`read_table` turns a file into a header and its cells column by
column, with the row number a user sees beside each data row. Text is UTF-8
(a byte-order mark is fine) or a :class:`~ntm_core.exceptions.DataError`
saying how to fix it; the CSV delimiter (``,``, ``;`` or tab) is found from
the header; quoted cells may hold newlines.

:func:`csv_text` is the one CSV writer: a cell a spreadsheet would run as a
formula is neutralised (the reader undoes it, so files round-trip).
:func:`write_text` and :func:`write_bytes` are the one file writer: a file is
written whole or not at all, and never replaces an existing file, a link or
a directory unless asked to.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt

from ntm_core._core.text import nfc
from ntm_core._core.workbook import FORMULA_STARTS, neutralise
from ntm_core.exceptions import DataError, InputError, OutputError

__all__ = [
    "COLUMNAR_BYTES",
    "FORMATS",
    "STDOUT",
    "ArrowColumn",
    "Table",
    "arrow_csv_table",
    "arrow_mask",
    "arrow_numpy",
    "check_suffix",
    "csv_field",
    "csv_table",
    "csv_text",
    "decode",
    "json_table",
    "load_json",
    "read_table",
    "records_table",
    "restore_cell",
    "width_problem",
    "write_bytes",
    "write_text",
    "xlsx_table",
]

STDOUT = "-"
"""The path that means standard output, as on every command line."""

FORMATS: Mapping[str, tuple[str, ...]] = {
    "csv": (".csv", ".tsv", ".txt"),
    "json": (".json",),
    "xlsx": (".xlsx",),
    "md": (".md", ".markdown", ".txt"),
    "html": (".html", ".htm"),
    "table": (".txt",),
    "text": (".txt",),
}
"""The file suffixes of each output format (a path without a suffix fits every format)."""


class Table:
    """A header and its cells, column by column, from any format.

    ``rows`` holds the number users see for each data row: the spreadsheet
    row (header = 1) for CSV and Excel, the 1-based position for JSON and
    records. ``header_row`` is 1 for files with a header row, else ``None``.
    """

    __slots__ = ("columns", "header", "header_row", "problems", "rows", "source", "types")

    def __init__(
        self,
        *,
        header: list[str],
        columns: list[Sequence[object]],
        rows: list[int],
        header_row: int | None,
        source: str | None,
        problems: list[InputError] | None = None,
        types: list[set[type]] | None = None,
    ) -> None:
        self.header = header
        self.columns = columns
        self.rows = rows
        self.header_row = header_row
        self.source = source
        self.problems: list[InputError] = problems if problems is not None else []
        self.types = types
        """The types of each column's cells, when the reader found them."""

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


COLUMNAR_BYTES = 1 << 20
"""CSV files from this size on are read by :func:`arrow_csv_table` when the caller allows it."""


def read_table(
    path: Path,
    source: str,
    *,
    comments: bool = False,
    formulas: Literal["value", "text"] = "value",
    columnar: bool = False,
) -> Table:
    """Read a CSV, JSON or XLSX file into a :class:`Table`.

    ``comments`` is passed to :func:`csv_table`, ``formulas`` to :func:`xlsx_table`.
    With ``columnar``, a CSV file of :data:`COLUMNAR_BYTES` or more is read by
    :func:`arrow_csv_table` when it can (its columns are then :class:`ArrowColumn`);
    the table is the same either way.

    Raises:
        DataError: If the file is missing, a folder, unreadable, of another type,
            or not a table; naming the file (``source``).
    """
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".tsv", ".txt", ".json", ".xlsx"}:
        raise DataError(
            f"unsupported file type {path.suffix!r}; expected .csv, .json or .xlsx",
            source=source,
        )
    if path.is_dir():
        raise DataError("cannot read the file: it is a folder", source=source)
    if columnar and suffix in {".csv", ".tsv", ".txt"} and not comments and _large(path):
        table = arrow_csv_table(path, source)
        if table is not None:
            return table
    if suffix == ".xlsx":
        if not path.exists():
            raise DataError("cannot read the file: No such file or directory", source=source)
        return xlsx_table(path, source, formulas=formulas)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"cannot read the file: {err.strerror}", source=source) from None
    text = decode(data, source)
    if suffix == ".json":
        return json_table(text, source)
    return csv_table(text, source, comments=comments)


def _large(path: Path) -> bool:
    try:
        return path.stat().st_size >= COLUMNAR_BYTES
    except OSError:  # read_bytes says what is wrong
        return False


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
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        raise DataError(
            f"not a readable CSV file: {err}", source=source, row=len(records) + 1
        ) from None
    return records


def csv_table(text: str, source: str, *, comments: bool = False) -> Table:
    """A :class:`Table` of CSV text (``source`` names it in errors).

    With ``comments``, lines starting with ``#`` (and blank lines) above the
    header are skipped; they still count in the row numbers, as a spreadsheet
    shows them.
    """
    skipped = 0
    if comments:
        lines = text.split("\n")
        while skipped < len(lines) and (
            lines[skipped].lstrip().startswith("#") or not lines[skipped].strip()
        ):
            skipped += 1
        # A file ending in a line end has no line after it: the header was due there.
        skipped = min(skipped, len(lines) - 1 if not lines[-1] else len(lines))
        text = "\n".join(lines[skipped:])
    if not text.strip():
        raise DataError("empty file: no header row", source=source, row=skipped + 1)
    records = _csv_records(text, _delimiter(text.split("\n", 1)[0]), source)
    if "'" in text:  # cells the library's CSV writer neutralised
        records = [[restore_cell(cell) for cell in record] for record in records]
    header = [nfc(name) for name in records[0]]
    width = len(header)
    # Unnamed columns at the end of the header (a trailing separator) may be left out.
    named = max((i + 1 for i, name in enumerate(header) if name), default=0)
    problems: list[InputError] = []
    rows: list[int] = []
    data: list[list[str]] = []
    for number, record in enumerate(records[1:], start=skipped + 2):
        cells = record
        if len(cells) != width or not any(cells):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (often at the end of exported sheets)
            if not named <= len(cells) <= width:
                problems.append(width_problem(cells, header, source, number))
            cells = (cells + [""] * width)[:width]
        rows.append(number)
        data.append(cells)
    if not data:
        raise DataError("no data rows below the header", source=source, row=skipped + 1)
    columns: list[Sequence[object]] = list(zip(*data, strict=True))
    return Table(
        header=header,
        columns=columns,
        rows=rows,
        header_row=skipped + 1,
        source=source,
        problems=problems,
    )


class ArrowColumn(Sequence[object]):
    """A CSV column as pyarrow read it: its distinct texts and, per row, which one.

    Readers that know it read each distinct text once (:meth:`encoded`);
    anything else sees a sequence of ``str``, made on first use.
    """

    __slots__ = ("_cells", "_codes", "_texts", "dictionary")

    def __init__(self, column: Any) -> None:  # noqa: ANN401 - pyarrow is imported lazily
        # One dictionary for every chunk, so a text has one code in the whole file.
        chunks = column.unify_dictionaries().chunks
        self.dictionary: Any = chunks[0].dictionary
        """The distinct texts as a pyarrow string array."""
        self._texts: list[str] | None = None
        # int32, as pyarrow has them: half the memory of intp for a national file.
        self._codes: npt.NDArray[np.int32] = np.concatenate(
            [arrow_numpy(chunk.indices) for chunk in chunks]
        ).astype(np.int32, copy=False)
        self._cells: list[str] | None = None

    def encoded(self) -> tuple[list[str], npt.NDArray[np.int32]]:
        """The distinct texts, and for each row the position of its text among them."""
        return self.distinct(), self._codes

    def codes(self) -> npt.NDArray[np.int32]:
        """For each row, the position of its text among the distinct texts."""
        return self._codes

    def position(self, text: str) -> int:
        """The position of ``text`` among the distinct texts, -1 if absent."""
        import pyarrow.compute as pc

        if text:
            found = np.flatnonzero(np.asarray(self.distinct(), dtype=object) == text)
        else:  # the empty text, without making the texts
            found = np.flatnonzero(arrow_numpy(pc.binary_length(self.dictionary)) == 0)
        return int(found[0]) if len(found) else -1

    def any_starts_with(self, prefix: str) -> bool:
        """Whether some distinct text starts with ``prefix``."""
        import pyarrow.compute as pc

        return bool(pc.any(pc.starts_with(self.dictionary, prefix)).as_py())

    def cells(self) -> list[str]:
        """Every cell, as a list of text (made once)."""
        if self._cells is None:
            self._cells = np.asarray(self.distinct(), dtype=object)[self._codes].tolist()
        return self._cells

    def distinct(self) -> list[str]:
        """The distinct texts (made once)."""
        if self._texts is None:
            self._texts = self.dictionary.to_pylist()
        return self._texts

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, index: int) -> object: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[object]: ...
    def __getitem__(self, index: int | slice) -> object | Sequence[object]:
        return self.cells()[index]

    def __iter__(self) -> Iterator[object]:
        return iter(self.cells())


def arrow_numpy(array: Any) -> npt.NDArray[Any]:  # noqa: ANN401 - pyarrow is imported lazily
    """A pyarrow array of integers or booleans without nulls, as numpy (integers: no copy).

    pyarrow's own ``to_numpy`` imports pandas when it is installed, which
    costs more than reading a national file.
    """
    import pyarrow as pa

    if array.null_count:
        msg = "arrow_numpy: the array has nulls"
        raise ValueError(msg)
    data = array.buffers()[1]
    size, offset = len(array), array.offset
    if pa.types.is_boolean(array.type):
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return bits[offset : offset + size].astype(bool)
    dtype = np.dtype(str(array.type))  # int32, int64: the same names
    return np.frombuffer(data, dtype=dtype)[offset : offset + size]


def arrow_mask(mask: npt.NDArray[np.bool_]) -> Any:  # noqa: ANN401 - pyarrow is imported lazily
    """A numpy boolean mask as a pyarrow boolean array (``pa.array`` may import pandas)."""
    import pyarrow as pa

    bits = pa.py_buffer(np.packbits(mask, bitorder="little").tobytes())
    return pa.BooleanArray.from_buffers(pa.bool_(), len(mask), [None, bits])


def _scan(data: bytes | Path, *, size: int = 1 << 24) -> tuple[bytes, bool] | None:
    """The first line (without a byte-order mark) and whether there are quotes.

    ``None`` for a bare carriage return (not followed by a line feed), a
    first line longer than the scan's blocks, or a file that cannot be read.
    A file is scanned in blocks of ``size`` bytes.
    """
    if isinstance(data, bytes):
        blocks: Iterable[bytes] = (data,)
    else:
        blocks = _blocks(data, size)
    first: bytes | None = None
    quoted = False
    returns = pairs = 0
    previous = b""
    try:
        for block in blocks:
            if first is None:
                block = block.removeprefix(b"\xef\xbb\xbf")  # noqa: PLW2901
                end = block.find(b"\n")
                if end < 0:  # no data rows, or a first line longer than a block
                    return None
                first = block[:end]
            quoted = quoted or b'"' in block
            if b"\r" in block:  # one fast search; counting is slower
                returns += block.count(b"\r")
                pairs += block.count(b"\r\n")
            pairs += previous.endswith(b"\r") and block.startswith(b"\n")
            previous = block
    except OSError:
        return None
    if first is None or returns != pairs:
        return None
    return first, quoted


def _blocks(path: Path, size: int) -> Iterator[bytes]:
    with path.open("rb") as file:
        while block := file.read(size):
            yield block


def arrow_csv_table(data: bytes | Path, source: str) -> Table | None:  # noqa: PLR0911 - one per refusal
    r"""The :class:`Table` :func:`csv_table` makes of ``data``, read column-wise by pyarrow.

    Every cell is read as text (no type inference, no null values),
    dictionary-encoded, with the quoting rules of :mod:`csv` (doubled quotes,
    quoted separators and line ends): the same header, cells and row numbers
    as :func:`csv_table`. Files where the two could differ, or in which
    :func:`csv_table` finds a problem, are left to it: ``None`` is returned
    for text that is not UTF-8, a bare carriage return, a cell starting with
    an apostrophe (maybe a neutralised formula), a blank line or a line of
    separators only, a row of another width, a file without data rows, and
    when pyarrow is not installed.

    >>> table = arrow_csv_table(b'"unit_code",period\r\n001,2024\r\n', "x.csv")
    >>> table.header, list(table.columns[0]), table.rows
    (['unit_code', 'period'], ['001'], [2])
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - the arrow extra is installed for the tests
        return None
    scanned = _scan(data)
    if scanned is None:
        return None
    first, quoted = scanned
    try:
        delimiter = _delimiter(first.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    separator = delimiter.encode()
    end = len(first)
    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            # A file is read by pyarrow itself: the bytes are never all in memory at once.
            str(data) if isinstance(data, Path) else pa.py_buffer(data),
            # 4 MiB blocks: fewer chunks than the default 1 MiB; larger ones make
            # the dictionaries slower to build.
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=4 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                double_quote=True,
                escape_char=False,
                newlines_in_values=quoted,
                # A blank line is a row of one cell: another width, left to csv_table.
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": text for i in range(first.count(separator, 0, end) + 1)},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowException, OSError):
        return None
    rows = table.num_rows - 1  # row numbers count records, as csv_table's do
    if not rows or table.num_columns < 2:
        return None
    raw_header = [str(name) for name in table.slice(0, 1).to_pylist()[0].values()]
    columns = [ArrowColumn(column.slice(1)) for column in table.columns]
    # csv_table would restore a neutralised formula ('=1) in a cell starting so.
    if any(name.startswith("'") for name in raw_header) or any(
        column.any_starts_with("'") for column in columns
    ):
        return None
    empty = np.ones(rows, dtype=bool)
    for column in columns:
        empty &= column.codes() == column.position("")
    if empty.any():  # a line of separators only: csv_table skips it
        return None
    header = [nfc(name) for name in raw_header]
    del table
    pa.default_memory_pool().release_unused()  # the parser's blocks, back to the system
    return Table(
        header=header,
        columns=list[Sequence[object]](columns),
        rows=list(range(2, rows + 2)),
        header_row=1,
        source=source,
    )


def width_problem(cells: Sequence[object], header: list[str], source: str, row: int) -> InputError:
    """A row that is longer or shorter than the header: never padded or cut silently.

    The column named is the first one without a cell (a short row), or the
    first cell beyond the header (a long row).
    """
    width = len(header)
    if len(cells) < width:
        return InputError(
            f"the row has {len(cells)} cells but the header has {width} columns: "
            "cells are missing at the end (a cut-off line?)",
            source=source,
            row=row,
            column=header[len(cells)] or f"(column {len(cells) + 1})",
        )
    extra = next((c for c in cells[width:] if c is not None and str(c).strip()), None)
    return InputError(
        f"the row has {len(cells)} cells but the header has {width} columns",
        source=source,
        row=row,
        column=f"(column {width + 1})",
        value=extra,
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


def xlsx_table(path: Path, source: str, *, formulas: Literal["value", "text"] = "value") -> Table:
    """A :class:`Table` of the first sheet of an Excel workbook.

    A formula cell reads as the value Excel last computed (``formulas="value"``,
    ``None`` in a file no spreadsheet has computed), or as its formula text,
    such as ``"=40+6"`` (``formulas="text"``), so that a caller can refuse it.
    """
    try:
        import openpyxl
    except ImportError:
        raise DataError(
            "reading .xlsx files needs openpyxl: pip install 'ntm-core[excel]'", source=source
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=formulas == "value")
    # openpyxl reports a corrupt or non-Excel file with several exception types.
    except Exception as err:  # noqa: BLE001
        raise DataError(f"not a readable Excel file: {err}", source=source) from None
    try:
        records = [
            [restore_cell(cell) if isinstance(cell, str) else cell for cell in row]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        book.close()
    if not records or not any(cell is not None for cell in records[0]):
        raise DataError("empty file: no header row", source=source, row=1)
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
        raise DataError("no data rows below the header", source=source, row=1)
    columns: list[Sequence[object]] = list(zip(*data, strict=True))
    return Table(
        header=header, columns=columns, rows=rows, header_row=1, source=source, problems=problems
    )


# ---------------------------------------------------------------- writing


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    r"""CSV text of a header and rows, every text cell safe to open in a spreadsheet.

    ``None`` is an empty cell; a cell a spreadsheet would run as a formula
    (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
    leading apostrophe, the OWASP rule, which :func:`read_table` removes again.

    >>> csv_text(["name", "score"], [["=HYPERLINK(1)", 45], ["Kỳ Anh", None]])
    "name,score\n'=HYPERLINK(1),45\nKỳ Anh,\n"
    """
    lines = [_csv_line(header), *(_csv_line(row) for row in rows)]
    return "".join(lines)


def _csv_line(cells: Sequence[object]) -> str:
    # Not csv.writer: with "\n" line ends it leaves a bare "\r" unquoted, which
    # splits the row for every reader (and a "\r" is how a formula cell may start).
    if len(cells) == 1 and (cells[0] is None or cells[0] == ""):
        return '""\n'
    return ",".join(csv_field(cell) for cell in cells) + "\n"


def csv_field(cell: object) -> str:
    """One CSV cell: ``None`` empty, formulas neutralised, quoted when it must be."""
    if cell is None:
        return ""
    text = neutralise(cell) if isinstance(cell, str) else str(cell)
    if any(c in text for c in _CSV_SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


_CSV_SPECIAL = frozenset(',"\r\n')


def restore_cell(cell: str) -> str:
    """A cell as it was before :func:`~ntm_core._core.workbook.neutralise`.

    One leading apostrophe is dropped when a formula character or another
    apostrophe follows it; any other text is left alone.

    >>> restore_cell("'=1+1"), restore_cell("''=1"), restore_cell("'quoted'")
    ('=1+1', "'=1", "'quoted'")
    """
    if cell[:1] == "'" and cell[1:].startswith((*FORMULA_STARTS, "'")):
        return cell[1:]
    return cell


def check_suffix(path: str | os.PathLike[str], format: str) -> None:
    """Refuse a file name whose suffix names another format than ``format``.

    ``x.json`` for CSV output is an error; a name without a suffix, with a suffix
    no format uses (``x.out``), and :data:`STDOUT` are fine.

    Raises:
        OutputError: If the suffix belongs to other formats only.
        ValueError: If ``format`` is not one of :data:`FORMATS` (a programming error).
    """
    wanted = FORMATS.get(format)
    if wanted is None:
        msg = f"unknown output format {format!r}; expected one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    name = os.fspath(path)
    suffix = Path(name).suffix.lower()
    if name == STDOUT or not suffix or suffix in wanted:
        return
    others = sorted(f for f, suffixes in FORMATS.items() if suffix in suffixes)
    if others:
        raise OutputError(
            f"the suffix {suffix!r} is for {' or '.join(others)} files, but the output is "
            f"{format}; name the file {Path(name).stem}{wanted[0]} or choose another format",
            path=name,
        )


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path | None:
    """Write ``text`` as UTF-8 to ``path``, whole or not at all; see :func:`write_bytes`."""
    if os.fspath(path) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    return write_bytes(path, text.encode("utf-8"), force=force)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path | None:
    """Write ``data`` to ``path``, whole or not at all.

    The data go to a new temporary file in the same folder (a unique name, so
    a ``FILE.tmp`` of the user's is never touched), which then takes the
    file's place in one step; on any failure the temporary file is removed and
    nothing else has changed. :data:`STDOUT` (``"-"``) writes to standard output.

    * An existing file is replaced only with ``force``.
    * A symbolic link is refused without ``force``; with ``force`` the file it
      points to is replaced and the link kept (as the shell's ``>`` does), so a
      link into a shared folder keeps working.
    * A directory, or a path whose folder does not exist, is always an error.

    Returns:
        The path written, or ``None`` for standard output.

    Raises:
        OutputError: For each case above, and when the system refuses the write
            (no permission, a full disk), naming the file.
    """
    if os.fspath(path) == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return None
    with open_output(path, force=force, binary=True) as file:
        file.write(data)
    return Path(os.fspath(path))


def _writable_target(name: str, *, force: bool) -> Path:
    """The file to write for ``name``, after the checks of :func:`write_bytes`."""
    target = Path(name)
    if target.is_symlink():
        if not force:
            raise OutputError(
                f"is a symbolic link (to {str(target.readlink())!r}); pass --force "
                "(force=True) to replace the file it points to",
                path=name,
            )
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise OutputError("is a directory; name a file to write", path=name)
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"the folder {str(folder)!r} does not exist", path=name)
    if target.exists() and not force:
        raise OutputError("the file exists; pass --force (force=True) to replace it", path=name)
    return target


@contextlib.contextmanager
def open_output(
    path: str | os.PathLike[str], *, force: bool = False, binary: bool = False
) -> Iterator[Any]:
    """A stream whose content replaces ``path`` whole, or not at all, when the block ends.

    For output too large to hold as one string (``ntm assess`` of a national file):
    it is written chunk by chunk to the temporary file of :func:`write_bytes`, with
    the same checks and the same guarantees. Text streams are UTF-8.

    Raises:
        OutputError: As :func:`write_bytes`.
    """
    name = os.fspath(path)
    target = _writable_target(name, force=force)
    try:
        handle, temporary_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as err:
        raise OutputError(f"cannot write here: {err.strerror}", path=name) from None
    temporary = Path(temporary_name)
    try:
        mode = "wb" if binary else "w"
        encoding = None if binary else "utf-8"
        with os.fdopen(handle, mode, encoding=encoding, newline=None if binary else "") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        temporary.chmod(_mode(target))
        if force:
            temporary.replace(target)
        else:
            _link_new(temporary, target, name)
    except BaseException as err:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(err, OSError) and not isinstance(err, OutputError):
            raise OutputError(f"cannot write the file: {err.strerror or err}", path=name) from None
        raise


def _link_new(temporary: Path, target: Path, name: str) -> None:
    """Put ``temporary`` at ``target`` only if no file is there, even one created a moment ago."""
    try:
        target.hardlink_to(temporary)
    except FileExistsError:
        raise OutputError(
            "the file exists; pass --force (force=True) to replace it", path=name
        ) from None
    except OSError as err:
        if err.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}:
            raise
        # A file system without hard links: a rename, after the check made above.
        temporary.replace(target)
    else:
        with contextlib.suppress(OSError):  # the file is written; a stray name is harmless
            temporary.unlink()


def _mode(target: Path) -> int:
    """The permissions of the file replaced, else those a new file gets (mkstemp's are 0600)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
