"""From a table to :class:`~ntm_core.engine.Observations`: the long and wide layouts.

:class:`TableBuilder` recognises the layout from the header, reads unit codes,
periods and attributes, hands each indicator's cells to the column reader,
and either returns complete observations or raises every problem at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ntm_core._core.tables import ArrowColumn, Table
from ntm_core._core.text import nfc
from ntm_core.engine._catalog import IndicatorCatalog
from ntm_core.engine._observations import ATTRIBUTES, Column, Observations
from ntm_core.exceptions import DataError, InputError, InputErrors, UnknownIndicatorError
from ntm_core.io._cells import (
    FIRST_YEAR,
    LAST_YEAR,
    CellError,
    cell_problem,
    detect_decimal_comma,
    text_value,
    year_value,
)
from ntm_core.io._columns import ColumnReader, ParsedValues, exact_column, widen
from ntm_core.rules._model import Indicator, IndicatorKind

__all__ = [
    "HEADER_UNIT",
    "ID_ALIASES",
    "TableBuilder",
    "UnitsTable",
    "resolve_indicator",
    "unknown_indicator",
]

UnitsTable = Mapping[str, Mapping[str, str]]
"""Unit attributes by unit code, as :func:`~ntm_core.io.read_units` returns them."""

_CODE = "unit_code"
_PERIOD = "period"
ID_ALIASES = {"unit_code": _CODE, "code": _CODE, "period": _PERIOD, "year": _PERIOD}
"""The id columns and the names they may go by."""
_LONG_ONLY = ("indicator", "value", "unit", "source")

_WIDE_EXPECTED = "unit_code (or code), period (or year) and one column per indicator"
_LONG_EXPECTED = "unit_code, period, indicator, value[, unit][, source]"

HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*\[(?P<unit>[^\[\]]*)\]$", re.DOTALL)
"""A column name with a unit in brackets: ``income_per_capita [triệu đồng/người/năm]``."""


def texts_nfc(texts: Sequence[str]) -> list[str]:
    """:func:`~ntm_core._core.text.nfc` of many texts (ASCII needs stripping only)."""
    normalize = unicodedata.normalize
    return [text.strip() if text.isascii() else normalize("NFC", text.strip()) for text in texts]


def unknown_indicator(
    name: str, catalog: IndicatorCatalog, *, source: str | None, row: int | None, column: str
) -> UnknownIndicatorError:
    """The error for a column that names no indicator, with the closest key as a hint."""
    suggestion = catalog.suggest(name)
    message = f"unknown indicator {name!r}"
    if suggestion is not None:
        message += f" (did you mean {suggestion!r}?)"
    else:
        message += "; expected an indicator key or legal code of the rule sets in use"
    return UnknownIndicatorError(message, source=source, row=row, column=column, value=name)


def resolve_indicator(catalog: IndicatorCatalog, name: str) -> Indicator | None:
    """The indicator a column names (key or legal code; any case), or ``None``."""
    found = catalog.resolve(name)
    if found is None and name != name.casefold():
        found = catalog.resolve(name.casefold())
    return found


class _Group:
    """The values a long table gives for one indicator, with their output rows."""

    __slots__ = ("cells", "indicator", "rows", "targets", "units")

    def __init__(self, indicator: Indicator) -> None:
        self.indicator = indicator
        self.targets: list[int] = []
        self.cells: list[object] = []
        self.units: list[object] = []
        self.rows: list[int] = []

    def add(self, *, target: int, cell: object, unit: str, row: int) -> None:
        """One value for output row ``target``, read from source row ``row``."""
        self.targets.append(target)
        self.cells.append(cell)
        self.units.append(unit)
        self.rows.append(row)


class TableBuilder:
    """Checks and assembles one table into :class:`Observations`."""

    def __init__(
        self,
        table: Table,
        *,
        catalog: IndicatorCatalog,
        decimal_comma: bool | None,
        units: UnitsTable | None,
    ) -> None:
        self.table = table
        self.catalog = catalog
        self.decimal_comma = decimal_comma
        self.units = units
        self.source = table.source
        self.problems: list[InputError] = list(table.problems)
        self._types: dict[int, set[type]] = {}
        if table.types is not None:
            self._types.update(
                (id(cells), kinds) for cells, kinds in zip(table.columns, table.types, strict=True)
            )

    def types(self, cells: Sequence[object]) -> set[type]:
        """The types of a column's cells (found once per column)."""
        found = self._types.get(id(cells))
        if found is None:
            found = self._types[id(cells)] = set(map(type, cells))
        return found

    def bad(self, message: str, *, row: int | None, column: str | None, value: object) -> None:
        self.problems.append(
            InputError(message, source=self.source, row=row, column=column, value=value)
        )

    def bad_cell(self, error: CellError, *, row: int | None, column: str, value: object) -> None:
        self.problems.append(
            cell_problem(error, source=self.source, row=row, column=column, value=value)
        )

    # -- layout

    def build(self) -> Observations:
        folded = [name.casefold() for name in self.table.header]
        roles = [ID_ALIASES.get(name) for name in folded]
        if _CODE not in roles or _PERIOD not in roles:
            found = ", ".join(repr(n) for n in self.table.header if n) or "none"
            raise DataError(
                "neither layout: expected the long layout's columns "
                f"{_LONG_EXPECTED}, or the wide layout's {_WIDE_EXPECTED}; found {found}",
                source=self.source,
            )
        if "indicator" in folded and "value" in folded:
            observations = self._long(folded)
        else:
            observations = self._wide(folded)
        if self.problems:
            problems = sorted(self.problems, key=lambda p: -1 if p.row is None else p.row)
            count = len(problems)
            where = f"{self.source}: " if self.source else ""
            raise InputErrors(
                f"{where}{count} problem{'s' if count != 1 else ''} in the observations", problems
            )
        return observations

    def _claim(self, seen: dict[str, str], role: str, name: str) -> bool:
        """Whether ``name`` is the first column for ``role``; reports a duplicate otherwise."""
        if role in seen:
            same = "" if role.casefold() == name.casefold() else f" (both mean {role!r})"
            self.bad(
                f"column {name!r} repeats column {seen[role]!r}{same}",
                row=self.table.header_row,
                column=name,
                value=name,
            )
            return False
        seen[role] = name
        return True

    def _empty_column(self, index: int) -> None:
        """An unnamed column: fine (and ignored) when empty, a problem otherwise."""
        cells = self.table.columns[index]
        if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            self.bad(
                "a column without a name holds values",
                row=self.table.header_row,
                column=f"#{index + 1}",
                value=None,
            )

    def _ids(self, code_index: int, period_index: int) -> tuple[list[str], list[int]]:
        """The unit code and period of every row, reporting missing or bad ones."""
        code_cells = self.table.columns[code_index]
        period_cells = self.table.columns[period_index]
        if isinstance(code_cells, ArrowColumn) and isinstance(period_cells, ArrowColumn):
            return self._distinct_ids(code_cells, period_cells, code_index, period_index)
        typed = self._typed_ids(code_cells, period_cells)
        if typed is not None:
            return typed
        codes: list[str] = []
        periods: list[int] = []
        code_name = self.table.header[code_index]
        period_name = self.table.header[period_index]
        years: dict[str, int | CellError | None] = {}  # a file has few distinct periods
        for row, code_cell, period_cell in zip(
            self.table.rows,
            self.table.columns[code_index],
            self.table.columns[period_index],
            strict=True,
        ):
            code: str | None
            try:
                code = text_value(code_cell)
            except CellError:
                code = None
                self.bad_cell(CellError("a unit code"), row=row, column=code_name, value=code_cell)
            else:
                if code is None:
                    self.bad("missing unit code", row=row, column=code_name, value=None)
            year: int | CellError | None
            if type(period_cell) is str and period_cell in years:
                year = years[period_cell]
            else:
                try:
                    year = year_value(period_cell)
                except CellError as err:
                    year = err
                if type(period_cell) is str:
                    years[period_cell] = year
            if isinstance(year, CellError):
                self.bad_cell(year, row=row, column=period_name, value=period_cell)
                year = None
            elif year is None:
                self.bad(
                    "missing period (the assessment year)", row=row, column=period_name, value=None
                )
            codes.append(code or "")
            periods.append(year or 0)
        return codes, periods

    def _typed_ids(
        self, code_cells: Sequence[object], period_cells: Sequence[object]
    ) -> tuple[list[str], list[int]] | None:
        """Codes as text and periods as ints, all valid (records as programs make them).

        ``None`` otherwise: :meth:`_ids` then checks them one by one and says what is wrong.
        """
        if self.types(code_cells) != {str} or self.types(period_cells) != {int}:
            return None
        try:
            years = np.asarray(period_cells, dtype=np.int64)
        except OverflowError:  # not a year: _ids says so
            return None
        codes = texts_nfc(code_cells)  # type: ignore[arg-type]  # all str, checked above
        if all(codes) and ((years >= FIRST_YEAR) & (years <= LAST_YEAR)).all():
            periods: list[int] = years.tolist()
            return codes, periods
        return None

    def _distinct_ids(
        self, code_cells: ArrowColumn, period_cells: ArrowColumn, code_index: int, period_index: int
    ) -> tuple[list[str], list[int]]:
        """:meth:`_ids` of columns read by pyarrow: each distinct text read once.

        Problems are added code column first; :meth:`build` sorts them by row
        (stably), which gives the order of :meth:`_ids`.
        """
        texts, positions = code_cells.encoded()
        known = texts_nfc(texts)  # text_value of a text, "" for None
        codes: list[str] = np.asarray(known, dtype=object)[positions].tolist()
        lacking = np.asarray([not code for code in known], dtype=bool)[positions]
        for index in np.flatnonzero(lacking).tolist():
            self.bad(
                "missing unit code",
                row=self.table.rows[index],
                column=self.table.header[code_index],
                value=None,
            )
        texts, positions = period_cells.encoded()
        years: list[int | CellError | None] = []
        for text in texts:
            try:
                years.append(year_value(text))
            except CellError as err:
                years.append(err)
        periods: list[int] = np.asarray(
            [year if isinstance(year, int) else 0 for year in years], dtype=np.int64
        )[positions].tolist()
        period_name = self.table.header[period_index]
        for slot, year in enumerate(years):
            if isinstance(year, int):
                continue
            for index in np.flatnonzero(positions == slot).tolist():
                row = self.table.rows[index]
                if year is None:
                    self.bad(
                        "missing period (the assessment year)",
                        row=row,
                        column=period_name,
                        value=None,
                    )
                else:
                    self.bad_cell(year, row=row, column=period_name, value=texts[slot])
        return codes, periods

    def _detect(self, columns: Iterable[Sequence[object]]) -> bool:
        if self.decimal_comma is not None:
            return self.decimal_comma
        # The vote depends only on which texts occur: a pyarrow column gives its distinct ones;
        # a column without text (numbers from records or Excel) has no vote.
        return detect_decimal_comma(
            column.distinct() if isinstance(column, ArrowColumn) else column
            for column in columns
            if isinstance(column, ArrowColumn)
            or any(issubclass(t, str) for t in self.types(column))
        )

    # -- wide

    def _wide(self, folded: list[str]) -> Observations:
        table = self.table
        header_row = table.header_row
        seen: dict[str, str] = {}
        id_index: dict[str, int] = {}
        attribute_index: dict[str, int] = {}
        indicators: list[tuple[int, Indicator, str | None]] = []
        for index, (name, fold) in enumerate(zip(table.header, folded, strict=True)):
            if not name:
                self._empty_column(index)
                continue
            role = ID_ALIASES.get(fold)
            if role is not None:
                if self._claim(seen, role, name):
                    id_index[role] = index
                continue
            if fold in ATTRIBUTES:
                if self._claim(seen, fold, name):
                    attribute_index[fold] = index
                continue
            bare, unit = name, None
            match = HEADER_UNIT.match(name)
            if match is not None:
                bare, unit = match.group("name").strip(), match.group("unit").strip()
            indicator = resolve_indicator(self.catalog, bare)
            if indicator is None:
                self.problems.append(
                    unknown_indicator(
                        bare, self.catalog, source=self.source, row=header_row, column=name
                    )
                )
                continue
            if self._claim(seen, indicator.key, name):
                indicators.append((index, indicator, unit))

        codes, periods = self._ids(id_index[_CODE], id_index[_PERIOD])
        self._duplicates(codes, periods, table.header[id_index[_CODE]])

        comma = self._detect(
            table.columns[index]
            for index, indicator, _ in indicators
            if indicator.kind is not IndicatorKind.BOOLEAN
        )
        columns: dict[str, Column] = {}
        # Columns of the same kind, unit and factor share parsed texts ("85.5", "Đạt").
        caches: dict[tuple[IndicatorKind, str, tuple[int, int]], ParsedValues] = {}
        for index, indicator, unit in indicators:
            name = table.header[index]
            reader = ColumnReader(indicator, column=name, source=self.source, decimal_comma=comma)
            try:
                default = reader.factor(unit or "")
            except CellError as err:
                # One problem for the header, not one per cell.
                self.bad_cell(err, row=header_row, column=name, value=unit)
                continue
            cache = caches.setdefault((indicator.kind, reader.canonical, default), ParsedValues())
            columns[indicator.key] = self._column(reader, table.columns[index], default, cache)

        given: dict[str, list[str | None]] = {}
        for attribute, index in attribute_index.items():
            given[attribute] = self._attribute_cells(table.header[index], table.columns[index])
        return Observations(
            codes=codes,
            periods=periods,
            columns=columns,
            attributes=self._attributes(codes, given),
            source=self.source,
        )

    def _column(
        self,
        reader: ColumnReader,
        cells: Sequence[object],
        default: tuple[int, int],
        cache: ParsedValues,
    ) -> Column:
        """One indicator's column of a wide table: column-wise where the cells allow it."""
        rows = self.table.rows
        typed = None
        if isinstance(cells, ArrowColumn):
            typed = reader.read_column(cells, rows, default=default, cache=cache)
        else:  # Python numbers or bools (records, Excel) are read with numpy
            typed = reader.read_typed(cells, rows, default=default, types=self.types(cells))
        if typed is not None:
            column, problems = typed
        else:
            num, den, present, problems = reader.read(cells, rows, default=default, cache=cache)
            column = exact_column(reader.key, reader.kind, num, den, present)
        self.problems.extend(problems)
        return column

    def _attribute_cells(self, name: str, cells: Sequence[object]) -> list[str | None]:
        if isinstance(cells, ArrowColumn):  # text: never a CellError
            texts, positions = cells.encoded()
            distinct = np.asarray([text or None for text in texts_nfc(texts)], dtype=object)
            found: list[str | None] = distinct[positions].tolist()
            return found
        if self.types(cells) <= {str, type(None)}:  # text_value of text: never a CellError
            return [None if cell is None else nfc(cell) or None for cell in cells]
        values: list[str | None] = []
        for row, cell in zip(self.table.rows, cells, strict=True):
            try:
                values.append(text_value(cell))
            except CellError as err:
                self.bad_cell(err, row=row, column=name, value=cell)
                values.append(None)
        return values

    def _duplicates(self, codes: Sequence[str], periods: Sequence[int], column: str) -> None:
        if len(set(codes)) == len(codes) or len(set(zip(codes, periods, strict=True))) == len(
            codes
        ):
            return
        first: dict[tuple[str, int], int] = {}
        for row, code, period in zip(self.table.rows, codes, periods, strict=True):
            if not code or not period:
                continue
            earlier = first.setdefault((code, period), row)
            if earlier != row:
                self.bad(
                    f"unit {code!r} is listed twice for {period}: rows {earlier} and {row}",
                    row=row,
                    column=column,
                    value=code,
                )

    def _attributes(
        self, codes: Sequence[str], given: dict[str, list[str | None]]
    ) -> dict[str, list[str | None]]:
        """Attributes from the data, completed from the units table (the data win)."""
        out: dict[str, list[str | None]] = {}
        for attribute in ATTRIBUTES:
            values = given.get(attribute, [None] * len(codes))
            if self.units:
                values = [
                    value if value is not None else (self.units.get(code) or {}).get(attribute)
                    for code, value in zip(codes, values, strict=True)
                ]
            if values.count(None) != len(values):
                out[attribute] = values
        return out

    # -- long

    def _long_header(self, folded: list[str]) -> dict[str, int]:
        """The index of each known column of a long table; other columns are problems."""
        table = self.table
        seen: dict[str, str] = {}
        index_of: dict[str, int] = {}
        for index, (name, fold) in enumerate(zip(table.header, folded, strict=True)):
            if not name:
                self._empty_column(index)
                continue
            role = ID_ALIASES.get(fold, fold)
            if role in {_CODE, _PERIOD, *_LONG_ONLY, *ATTRIBUTES}:
                if self._claim(seen, role, name):
                    index_of[role] = index
                continue
            self.bad(
                f"unknown column {name!r} in the long layout; expected {_LONG_EXPECTED} "
                f"and optionally {', '.join(ATTRIBUTES)}",
                row=table.header_row,
                column=name,
                value=name,
            )
        return index_of

    def _long_indicator(
        self,
        raw: object,
        row: int,
        column: str,
        cache: dict[str, tuple[Indicator | None, str, str]],
    ) -> tuple[Indicator, str] | None:
        """The indicator (and a unit in brackets) a long row names, or ``None`` if bad."""
        name = nfc(raw) if isinstance(raw, str) else ""
        if not name:
            self.bad("missing indicator", row=row, column=column, value=raw)
            return None
        entry = cache.get(name)
        if entry is None:
            bare, unit = name, ""
            match = HEADER_UNIT.match(name)
            if match is not None:
                bare, unit = match.group("name").strip(), match.group("unit").strip()
            entry = cache[name] = (resolve_indicator(self.catalog, bare), bare, unit)
        found, bare, unit = entry
        if found is None:
            self.problems.append(
                unknown_indicator(bare, self.catalog, source=self.source, row=row, column=column)
            )
            return None
        return found, unit

    def _long(self, folded: list[str]) -> Observations:
        table = self.table
        index_of = self._long_header(folded)
        codes, periods = self._ids(index_of[_CODE], index_of[_PERIOD])
        indicator_name = table.header[index_of["indicator"]]
        indicator_cells = table.columns[index_of["indicator"]]
        value_cells = table.columns[index_of["value"]]
        unit_cells = table.columns[index_of["unit"]] if "unit" in index_of else None

        out_index: dict[tuple[str, int], int] = {}
        first_row: dict[tuple[str, int, str], int] = {}
        cache: dict[str, tuple[Indicator | None, str, str]] = {}
        groups: dict[str, _Group] = {}
        row_out: list[int] = []
        for index, row in enumerate(table.rows):
            ident = (codes[index], periods[index])
            target = out_index.get(ident)
            if target is None and all(ident):
                target = out_index[ident] = len(out_index)
            row_out.append(-1 if target is None else target)
            named = self._long_indicator(indicator_cells[index], row, indicator_name, cache)
            if named is None or target is None:
                continue
            indicator, named_unit = named
            earlier = first_row.setdefault((*ident, indicator.key), row)
            if earlier != row:
                self.bad(
                    f"unit {ident[0]!r} has {indicator.key!r} twice for {ident[1]}: "
                    f"rows {earlier} and {row}",
                    row=row,
                    column=indicator_name,
                    value=indicator_cells[index],
                )
                continue
            unit = unit_cells[index] if unit_cells is not None else None
            groups.setdefault(indicator.key, _Group(indicator)).add(
                target=target,
                cell=value_cells[index],
                unit=unit if isinstance(unit, str) and unit.strip() else named_unit,
                row=row,
            )

        out_codes = [code for code, _ in out_index]
        given: dict[str, list[str | None]] = {}
        for attribute in ATTRIBUTES:
            if attribute in index_of:
                name = table.header[index_of[attribute]]
                values = self._attribute_cells(name, table.columns[index_of[attribute]])
                given[attribute] = self._merge_long(name, values, row_out, len(out_codes))
        return Observations(
            codes=out_codes,
            periods=[period for _, period in out_index],
            columns=self._long_columns(groups, index_of, len(out_codes)),
            attributes=self._attributes(out_codes, given),
            source=self.source,
        )

    def _long_columns(
        self, groups: Mapping[str, _Group], index_of: Mapping[str, int], size: int
    ) -> dict[str, Column]:
        """Parse each indicator's values and spread them over the output rows."""
        comma = self._detect(
            group.cells
            for group in groups.values()
            if group.indicator.kind is not IndicatorKind.BOOLEAN
        )
        value_name = self.table.header[index_of["value"]]
        unit_name = self.table.header[index_of["unit"]] if "unit" in index_of else None
        columns: dict[str, Column] = {}
        for key, group in groups.items():
            reader = ColumnReader(
                group.indicator,
                column=value_name,
                source=self.source,
                decimal_comma=comma,
                unit_column=unit_name,
            )
            num, den, present, problems = reader.read(group.cells, group.rows, units=group.units)
            self.problems.extend(problems)
            all_num = widen(np.zeros(size, dtype=np.int64), num)
            all_den = widen(np.ones(size, dtype=np.int64), den)
            all_present = np.zeros(size, dtype=bool)
            targets = np.array(group.targets, dtype=np.intp)
            all_num[targets], all_den[targets], all_present[targets] = num, den, present
            columns[key] = exact_column(key, group.indicator.kind, all_num, all_den, all_present)
        return columns

    def _merge_long(
        self, name: str, values: list[str | None], row_out: list[int], n_out: int
    ) -> list[str | None]:
        """One attribute value per unit and period; different values in two rows are a problem."""
        merged: list[str | None] = [None] * n_out
        where: list[int] = [0] * n_out
        for row, value, target in zip(self.table.rows, values, row_out, strict=True):
            if value is None or target < 0:
                continue
            if merged[target] is None:
                merged[target], where[target] = value, row
            elif merged[target] != value:
                self.bad(
                    f"{name} is {merged[target]!r} in row {where[target]} "
                    f"but {value!r} here, for the same unit and period",
                    row=row,
                    column=name,
                    value=value,
                )
        return merged
