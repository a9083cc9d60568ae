"""Administrative units and lineage links read from CSV files."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from ntm_core._core.tables import read_table
from ntm_core.admin._lineage import LineageLink
from ntm_core.admin._unit import AdminUnit
from ntm_core.exceptions import DataError, InputError, InputErrors

__all__ = ["load_lineage_csv", "load_units_csv"]


# ---------------------------------------------------------------- CSV readers

# Columns of the nested layout (one row per commune-level unit, its district and
# province spelled out beside it), as in ``units-2025-01.csv`` and ``units-2025-07.csv``.
_NESTED_COLUMNS = frozenset(
    {"district_code", "district_name", "district_type", "province_code", "province_name", "type"}
)


def _read_rows(
    path: str | os.PathLike[str],
) -> tuple[str, list[str], list[tuple[int, dict[str, str]]]]:
    """Read a units or lineage file into its header and numbered rows of stripped cells."""
    source = os.fspath(path)
    table = read_table(Path(path), source)
    if table.problems:
        _raise_all(source, table.problems)
    return source, table.header, list(table.text_rows())


def _raise_all(source: str, errors: list[InputError]) -> None:
    if errors:
        msg = f"{source}: {len(errors)} problems"
        raise InputErrors(msg, errors)


def load_units_csv(
    path: str | os.PathLike[str],
    *,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> tuple[AdminUnit, ...]:
    """Read administrative units from a CSV file.

    Two layouts are understood:

    * **flat**, one row per unit with ``code, name, level`` (or ``type``) and
      ``parent_code``, optionally ``valid_from``, ``valid_to`` and attribute
      columns (``region``, ``lat``, ``lon`` …), like the bundled Hà Tĩnh data;
    * **nested**, one row per commune-level unit with its district
      (``district_code, district_name, district_type``, optional) and province
      (``province_code, province_name``) spelled out, like the GSO-derived files
      ``units-2025-01.csv`` (with districts) and ``units-2025-07.csv`` (without).
      The district and province units are made from those columns.

    ``valid_from`` and ``valid_to`` apply to every unit when the file has no
    column of that name. Other non-empty columns become attributes.

    Note:
        A nested row with an empty ``code`` is a district with no commune-level
        unit (the island districts Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn and Côn
        Đảo in the 2025-01 national file): the district is kept, no commune is made.

    Raises:
        DataError: If the file is empty, not UTF-8, or lacks a required column.
        InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per bad
            row, with the file and row number.

    .. versionadded:: 0.1.0
    """
    source, header, rows = _read_rows(path)
    columns = set(header)
    missing = [c for c in ("code", "name") if c not in columns]
    if "level" not in columns and "type" not in columns:
        missing.append("level")
    nested = "province_code" in columns and "parent_code" not in columns
    if nested:
        missing.extend(c for c in ("province_name",) if c not in columns)
    if missing:
        msg = f"missing columns {', '.join(map(repr, missing))}; the header is {header}"
        raise DataError(msg, source=source)
    dates: dict[str, object] = {}
    if "valid_from" not in columns:
        dates["valid_from"] = valid_from
    if "valid_to" not in columns:
        dates["valid_to"] = valid_to
    if not nested:
        flat: list[AdminUnit] = []
        errors: list[InputError] = []
        for number, row in rows:
            try:
                flat.append(AdminUnit.from_mapping({**row, **dates}))
            except ValueError as exc:
                errors.append(_located(exc, source, number))
        _raise_all(source, errors)
        return tuple(flat)
    return _nested_units(source, rows, dates)


def _nested_units(
    source: str, rows: list[tuple[int, dict[str, str]]], dates: Mapping[str, object]
) -> tuple[AdminUnit, ...]:
    """Units of a nested file: provinces, then districts, then communes."""
    parents: dict[str, AdminUnit] = {}
    communes: list[AdminUnit] = []
    errors: list[InputError] = []

    seen: dict[tuple[str, ...], AdminUnit] = {}

    def add_parent(unit: AdminUnit, number: int) -> None:
        known = parents.setdefault(unit.code, unit)
        if known != unit:
            errors.append(
                InputError(
                    f"unit {unit.code!r} is {unit.name!r} ({unit.level.value}) here but "
                    f"{known.name!r} ({known.level.value}) on an earlier row",
                    source=source,
                    row=number,
                    value=unit.code,
                )
            )

    for number, row in rows:
        try:
            province_code = row.get("province_code", "")
            province = {"code": province_code, "name": row.get("province_name", "")}
            province["level"] = "province"
            district_code = row.get("district_code", "")
            district = {
                "code": district_code,
                "name": row.get("district_name", ""),
                "level": row.get("district_type", ""),
                "parent_code": province_code,
            }
            for cells in (province, district) if district_code else (province,):
                # Each parent is spelled out on every row: parse each spelling once.
                key = tuple(cells.values())
                if key not in seen:
                    seen[key] = AdminUnit.from_mapping({**cells, **dates})
                    add_parent(seen[key], number)
            if not row.get("code"):
                continue  # a district with no commune-level unit (see the docstring)
            fields: dict[str, object] = {
                k: v for k, v in row.items() if k not in _NESTED_COLUMNS or k == "type"
            }
            fields["parent_code"] = district_code or province_code
            communes.append(AdminUnit.from_mapping({**fields, **dates}))
        except ValueError as exc:
            errors.append(_located(exc, source, number))
    _raise_all(source, errors)
    ordered = sorted(parents.values(), key=lambda u: u.level.rank)
    return (*ordered, *communes)


def load_lineage_csv(
    path: str | os.PathLike[str], *, on: dt.date | None = None
) -> tuple[LineageLink, ...]:
    """Read lineage links from a CSV file with ``old_code, new_code, share, default[, on]``.

    ``on`` (the reform's first day) applies to rows without an ``on`` value.

    Raises:
        DataError: If the file is empty, not UTF-8, or lacks a required column.
        InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per bad row.

    .. versionadded:: 0.1.0
    """
    source, header, rows = _read_rows(path)
    missing = [c for c in ("old_code", "new_code", "share") if c not in header]
    if on is None and "on" not in header:
        missing.append("on")
    if missing:
        msg = f"missing columns {', '.join(map(repr, missing))}; the header is {header}"
        raise DataError(msg, source=source)
    links: list[LineageLink] = []
    errors: list[InputError] = []
    for number, row in rows:
        try:
            links.append(LineageLink.from_mapping(row, on=on))
        except ValueError as exc:
            errors.append(_located(exc, source, number))
    _raise_all(source, errors)
    return tuple(links)


def _located(exc: ValueError, source: str, row: int) -> InputError:
    """``exc`` from building a row's value, placed at the file's row (and column, when known)."""
    if isinstance(exc, InputError):
        return InputError(exc.message, source=source, row=row, column=exc.column, value=exc.value)
    return InputError(str(exc), source=source, row=row)
