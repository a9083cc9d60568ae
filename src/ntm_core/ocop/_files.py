"""Reading and writing OCOP product files (CSV and JSON).

The public functions are re-exported, and documented, by :mod:`ntm_core.ocop`.
"""

from __future__ import annotations

import difflib
import json
import os
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ntm_core._core.numbers import decimal_text
from ntm_core._core.tables import (
    Table,
    csv_text,
    decode,
    load_json,
    read_table,
    records_table,
    write_text,
)
from ntm_core.exceptions import DataError, InputError, InputErrors
from ntm_core.ocop._product import COLUMNS, REQUIRED_COLUMNS, OcopProduct, parse_row

__all__ = ["PRODUCTS_SCHEMA", "read_products", "write_products"]

PRODUCTS_SCHEMA = "ntm_core.ocop-products/1"
"""The ``schema`` value of a product JSON file written by :func:`write_products`."""

_SUFFIXES = (".csv", ".txt", ".json")


def _header_name(name: object) -> str:
    return unicodedata.normalize("NFC", str(name).strip()).casefold()


def _suffix(path: Path, source: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise DataError(
            f"unsupported file type {path.suffix!r}; expected .csv or .json", source=source
        )
    return suffix


def _check_header(names: list[str], source: str, *, row: int | None) -> None:
    """Refuse duplicate, unknown and missing columns, all at once."""
    problems: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(f"column {name!r} appears twice")
        seen.add(name)
    for name in names:
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"unknown column {name!r}{hint}")
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        problems.append(f"missing required column(s) {', '.join(missing)}")
    if problems:
        expected = ", ".join(REQUIRED_COLUMNS)
        raise DataError(
            "; ".join(problems) + f"; a product file needs {expected} "
            f"and may add {', '.join(c for c in COLUMNS if c not in REQUIRED_COLUMNS)}",
            source=source,
            row=row,
        )


Records = list[tuple[int, dict[str, object], list[InputError]]]


def _records(table: Table, source: str) -> Records:
    """Each row's number, its cells by (folded) column name and its problems as a row."""
    header = [_header_name(name) for name in table.header]
    _check_header(header, source, row=table.header_row)
    problems: dict[int, list[InputError]] = {}
    for problem in table.problems:
        problems.setdefault(problem.row or 0, []).append(problem)
    return [
        (number, dict(zip(header, cells, strict=True)), problems.get(number, []))
        for number, *cells in zip(table.rows, *table.columns, strict=True)
    ]


def _json_table(text: str, source: str) -> Table:
    document = load_json(text, source)
    if isinstance(document, dict):
        extra = sorted(set(document) - {"schema", "comment", "products"})
        if "products" not in document or extra:
            raise DataError(
                'expected a list of product objects or {"products": [...]}'
                + (f"; unknown key(s) {', '.join(map(repr, extra))}" if extra else ""),
                source=source,
            )
        document = document["products"]
    if not isinstance(document, list):
        raise DataError(
            f"expected a list of product objects, got a JSON {type(document).__name__}",
            source=source,
        )
    if not document:
        raise DataError("no products: the list is empty", source=source)
    return records_table(document, source=source)


def read_products(path: str | os.PathLike[str]) -> tuple[OcopProduct, ...]:
    """Read OCOP products from a CSV or JSON file, all or nothing.

    CSV: UTF-8 (a byte-order mark is fine), ``,`` ``;`` or tab separated,
    one product per row, the columns of :data:`~ntm_core.ocop.COLUMNS` (the
    first eight required); lines starting with ``#`` above the header are
    comments. JSON: a list of objects with those keys, or
    ``{"products": [...]}``. Product codes must be unique without regard
    to case (``p1`` below ``P1`` is an error). Each product records the file
    and row it came from, so a rating error names them.

    Raises:
        DataError: The file as a whole cannot be read: unsupported type, not
            UTF-8, empty, unknown or missing columns.
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, every bad
            row, each naming file, row, column and value.

    .. versionadded:: 0.1.0
    """
    file = Path(path)
    source = str(path)
    if _suffix(file, source) == ".json":
        try:
            data = file.read_bytes()
        except OSError as err:
            raise DataError(f"cannot read the file: {err.strerror}", source=source) from None
        table = _json_table(decode(data, source), source)
    else:
        table = read_table(file, source, comments=True)
    records = _records(table, source)
    products: list[OcopProduct] = []
    problems: list[InputError] = []
    first_row: dict[str, tuple[int, str]] = {}  # folded code → (row, code as written)
    for number, row, row_problems in records:
        problems.extend(row_problems)
        if row_problems:
            continue
        product, found = parse_row(row, source=source, line=number)
        problems.extend(
            InputError(e.message, source=source, row=number, column=e.column, value=e.value)
            for e in found
        )
        if product is None:
            continue
        key = product.code.casefold()
        if key in first_row:
            row_before, code_before = first_row[key]
            same = "" if code_before == product.code else f" (as {code_before!r})"
            problems.append(
                InputError(
                    f"product code {product.code!r} is already used in row "
                    f"{row_before}{same}; codes must be unique, without regard to case",
                    source=source,
                    row=number,
                    column="code",
                    value=product.code,
                )
            )
            continue
        first_row[key] = (number, product.code)
        products.append(product)
    if problems:
        raise InputErrors(f"{source}: {len(problems)} problem(s) in the products", problems)
    return tuple(products)


def _json_score(value: Fraction) -> Decimal | str:
    text = decimal_text(value)
    return text if "/" in text else Decimal(text)


class _Encoder(json.JSONEncoder):
    def default(self, o: object) -> object:
        if isinstance(o, Decimal):
            number = float(o)
            if Decimal(repr(number)) == o:
                return number
            return str(o)  # pragma: no cover - scores are short decimals
        return super().default(o)  # pragma: no cover - only Decimal reaches here


def _json_product(product: OcopProduct) -> dict[str, object]:
    row: dict[str, object] = dict(product.to_row())
    for column in ("score_a", "score_b", "score_c"):
        row[column] = _json_score(product.score(column[-1].upper()))
    row["central_recognition"] = product.central_recognition
    for column in COLUMNS:
        if row[column] == "":
            row[column] = None
    return row


def write_products(
    products: Iterable[OcopProduct],
    path: str | os.PathLike[str],
    *,
    comment: str | None = None,
    force: bool = False,
) -> Path:
    """Write products to a CSV or JSON file (chosen by the suffix), losslessly.

    Scores are written exactly (``29.9``; ``1/3`` when no decimal is exact),
    dates as ISO text, ``central_recognition`` as ``yes``/``no`` (CSV) or a
    boolean (JSON). The file is replaced whole or not at all.

    Args:
        products: The products.
        path: The file to write (``.csv`` or ``.json``).
        comment: Text for ``#`` lines above the CSV header, or the ``comment``
            key of the JSON document.
        force: Replace an existing file (else :class:`~ntm_core.exceptions.OutputError`).

    Returns:
        The path written.

    Raises:
        OutputError: If the file exists and ``force`` is not given, or cannot be written.

    .. versionadded:: 0.1.0
    """
    file = Path(path)
    suffix = _suffix(file, str(path))
    items = tuple(products)
    if suffix == ".json":
        document: dict[str, object] = {"schema": PRODUCTS_SCHEMA}
        if comment:
            document["comment"] = comment
        document["products"] = [_json_product(p) for p in items]
        text = json.dumps(document, ensure_ascii=False, indent=1, cls=_Encoder) + "\n"
    else:
        lines = "".join(f"# {line}".rstrip() + "\n" for line in (comment or "").splitlines())
        rows = ([p.to_row()[c] for c in COLUMNS] for p in items)
        text = lines + csv_text(COLUMNS, rows)
    write_text(file, text, force=force)
    return file
