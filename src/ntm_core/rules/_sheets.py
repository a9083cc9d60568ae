"""Threshold sheets: write a template to fill from the official text, read it back.

Most official per-region numbers have not been read yet. A threshold sheet
lets the people who hold the official text fill them without touching code:
``ntm rules template KEY@EDITION`` writes one row per indicator and selector,
known values filled and unknown ones blank; a filled sheet loads as an overlay
with ``--thresholds FILE`` or :meth:`Rulebook.with_thresholds`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import attrs

from ntm_core._core.numbers import decimal_text, number_text
from ntm_core._core.tables import (
    check_suffix,
    csv_text,
    read_table,
    width_problem,
    write_bytes,
    write_text,
)
from ntm_core._core.vocabulary import CommuneGroup, Provenance, Region
from ntm_core._core.workbook import Sheet, workbook_bytes
from ntm_core.exceptions import DataError, InputError, InputErrors, UnitMismatchError
from ntm_core.rules._loader import check_threshold
from ntm_core.rules._model import (
    Indicator,
    IndicatorKind,
    RulePurpose,
    RuleSet,
    SelectorKind,
    Threshold,
    ThresholdOverride,
)
from ntm_core.units import to_canonical

__all__ = ["SHEET_COLUMNS", "read_threshold_sheet", "template_rows", "write_template"]


class Editions(Protocol):
    """What a sheet needs of a rulebook: the edition a ``KEY@EDITION`` names.

    A protocol rather than :class:`~ntm_core.rules.Rulebook` itself, so this
    module does not import the rulebook that imports it (no import cycle).
    """

    def get(self, spec: str) -> RuleSet:
        """The edition ``spec`` names; :class:`KeyError` if none."""
        ...


SHEET_COLUMNS = (
    "ruleset", "criterion", "indicator", "code", "name_vi", "unit", "comparator",
    "region", "group", "year", "commune_kind", "value",
    "citation_number", "citation_date", "citation_annex", "citation_item",
    "provenance", "source", "note", "override",
)  # fmt: skip
"""The columns of a threshold sheet, in order."""

_REQUIRED = ("ruleset", "indicator", "value", "citation_number", "provenance")


def _number_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return number_text(value, significant=6)
    return str(value)


def _row(
    edition: RuleSet,
    criterion: str,
    indicator: Indicator,
    threshold: Threshold | None,
    **selectors: object,
) -> dict[str, str]:
    sel = (
        threshold.selectors()
        if threshold is not None
        else {k: v for k, v in selectors.items() if v is not None}
    )
    citation = threshold.citation if threshold is not None else None
    return {
        "ruleset": edition.id,
        "criterion": criterion,
        "indicator": indicator.key,
        "code": indicator.code,
        "name_vi": indicator.name_vi,
        "unit": indicator.unit or "",
        "comparator": indicator.comparator.value,
        "region": str(sel.get("region", "")),
        "group": str(sel.get("group", "")),
        "year": str(sel.get("year", "")),
        "commune_kind": str(sel.get("commune_kind", "")),
        "value": _number_text(threshold.value) if threshold is not None else "",
        "citation_number": citation.number if citation else "",
        "citation_date": citation.date.isoformat() if citation and citation.date else "",
        "citation_annex": (citation.annex or "") if citation else "",
        "citation_item": (citation.item or "") if citation else "",
        "provenance": threshold.provenance.value if threshold is not None else "",
        "source": (threshold.source or "") if threshold is not None else "",
        "note": (threshold.note or "") if threshold is not None else "",
        "override": "",
    }


def template_rows(edition: RuleSet, *, region: Region | None = None) -> Iterator[dict[str, str]]:
    """Rows of a threshold sheet for ``edition``: known thresholds, then blanks to fill.

    For region-dependent editions every indicator gets one row for the general
    level and one per region (or only ``region`` when given); group-dependent
    editions get one row per commune group. No blank region (or group) row is
    written beside a region-wide value that is verified or secondary: that
    value is known to hold everywhere, and a sheet may replace it only on
    purpose (the ``override`` column). Beside an unverified region-wide value
    (a general level applied to every region by inference) the blank row stays,
    for the official regional level.
    """
    slots: list[dict[str, object]]
    if edition.selector is SelectorKind.REGION:
        regions = [region] if region is not None else list(Region)
        slots = [{"region": None}]
        slots += ({"region": r.value} for r in regions)
    elif edition.selector is SelectorKind.GROUP:
        slots = [{"group": None}]
        slots += ({"group": g.value} for g in CommuneGroup)
    else:
        slots = [{}]
    for criterion, indicator in edition.indicators():
        shown: list[Threshold] = []
        for threshold in indicator.thresholds:
            if threshold.value is None:
                continue
            if region is not None and threshold.region not in (None, region):
                continue
            shown.append(threshold)
            yield _row(edition, criterion.code, indicator, threshold)
        known_everywhere = any(
            t.provenance in (Provenance.VERIFIED, Provenance.SECONDARY)
            and t.region is None
            and t.group is None
            for t in shown
        )
        # In a targets edition every value is for a year (263's 2025), and a
        # filled row without one is refused: a blank row keeps the year of the
        # indicator's known values. Elsewhere a blank row has no year (income
        # known for 2022 only still needs a level for the other years).
        years = {t.selectors().get("year") for t in shown}
        year = None
        if edition.purpose is RulePurpose.TARGETS and len(years) == 1:
            year = years.pop()
        for slot in slots:
            wanted = {k: v for k, v in slot.items() if v is not None}
            if wanted and known_everywhere:
                continue
            if any(
                {k: str(v) for k, v in t.selectors().items() if k in ("region", "group")}
                == {k: str(v) for k, v in wanted.items()}
                for t in shown
            ):
                continue
            yield _row(edition, criterion.code, indicator, None, **slot, year=year)


def write_template(
    edition: RuleSet,
    path: str | os.PathLike[str] | None,
    *,
    region: Region | None = None,
    force: bool = False,
) -> str:
    """Write a threshold sheet template as CSV (or XLSX when ``path`` ends in ``.xlsx``).

    With ``path`` ``None`` the CSV text is returned instead of written. An
    existing file is replaced only with ``force``; the file is written whole or
    not at all. Cells a spreadsheet would run as a formula (the comparator
    ``==``) are written with a leading apostrophe, which the reader removes.

    Returns:
        The CSV text, in every case.

    Raises:
        OutputError: If the file exists and ``force`` is not given, or cannot be written.
        MissingDependencyError: For ``.xlsx`` without openpyxl.
    """
    rows = [[row[c] for c in SHEET_COLUMNS] for row in template_rows(edition, region=region)]
    text = csv_text(SHEET_COLUMNS, rows)
    if path is None:
        return text
    if Path(path).suffix.lower() == ".xlsx":
        sheet = Sheet(title="thresholds", header=SHEET_COLUMNS, rows=rows)
        write_bytes(path, workbook_bytes([sheet], feature="an .xlsx template"), force=force)
    else:
        check_suffix(path, "csv")
        write_text(path, text, force=force)
    return text


_FORMULA = "="
_TRUE_WORDS = ("true", "đạt", "yes", "x", "1")
_OVERRIDE_WORDS = {"yes": True, "true": True, "x": True, "1": True, "có": True,
                   "no": False, "false": False, "0": False, "không": False, "": False}  # fmt: skip
# A plain decimal with bounded digits: no exponent, so no value can take long to read.
_PLAIN = re.compile(r"^([-+]?\d{1,18}(?:\.\d{1,18})?)(?:\s+(\S.*))?$", re.DOTALL)
_COMMA = re.compile(r"^[-+]?\d[\d\s.]*,\d+(?:\s+\S.*)?$", re.DOTALL)
_MAX_CELL = 2_000
_KEY_COLUMN = {
    "value": "value", "relative_to": "value", "region": "region", "group": "group",
    "year": "year", "commune_kind": "commune_kind", "provenance": "provenance",
    "citation": "citation_number", "number": "citation_number", "date": "citation_date",
    "annex": "citation_annex", "item": "citation_item", "source": "source", "note": "note",
}  # fmt: skip


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV would hold (dates as ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Rows = list[tuple[int, list[str]]]


def _read_rows(
    path: Path, source: str
) -> tuple[list[str], Rows, list[InputError], list[InputError]]:
    """The header, each row's number and cells as text, and the problems of header and rows.

    Formula cells of a workbook read as their formula (not as cached results,
    which a file written by a program does not have), so that they can be
    refused by name. Unnamed columns at the end of the header are left out; a
    row with a cell in one is too long.
    """
    table = read_table(path, source, formulas="text")
    header = [name.strip() for name in table.header]
    in_header = [p for p in table.problems if p.row == table.header_row]
    problems = [p for p in table.problems if p.row != table.header_row]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    rows: Rows = []
    bad = {problem.row for problem in problems}
    for number, *cells in zip(table.rows, *table.columns, strict=True):
        text = [_cell_text(cell) for cell in cells]
        if number not in bad and any(cell.strip() for cell in text[width:]):
            problems.append(width_problem(text, header[:width], source, number))
        rows.append((number, text[:width]))
    return header[:width], rows, in_header, problems


@attrs.frozen
class SheetData:
    """What a threshold sheet changes: overlay data and recorded overrides per edition."""

    overlays: dict[str, dict[str, Any]]
    overrides: dict[str, list[ThresholdOverride]]


def read_threshold_sheet(  # noqa: PLR0915 - one pass over the rows, each check in turn
    sheet: Path | str, rulebook: Editions, *, name: str | None = None
) -> SheetData:
    """Read a filled sheet into overlay data per edition id.

    Rows with an empty ``value`` are skipped (not filled yet), and so are rows
    that restate a threshold the rulebook already has (the template writes
    those). Every other row must name an existing edition and indicator, keep
    the template's descriptive cells (criterion, code, name, comparator), carry
    a plain decimal value that fits the indicator (converted from the row's
    unit when it differs), a citation number and a provenance, and must not
    repeat another row's indicator and selectors. A row that would replace or
    shadow a ``verified`` or ``secondary`` threshold, or put a less sure value
    in place of a surer one, needs ``yes`` in its ``override`` column.

    Raises:
        InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per
            problem, each naming the file, row and column.
        DataError: If the file cannot be read at all, or changes nothing.
    """
    path = Path(sheet)
    source = name if name is not None else str(sheet)
    header, rows, in_header, shape = _read_rows(path, source)
    _check_header(header, source, in_header)
    problems: list[Exception] = list(shape)
    badly_shaped = {p.row for p in shape}
    overlays: dict[str, dict[str, Any]] = {}
    overrides: dict[str, list[ThresholdOverride]] = {}
    seen: dict[tuple[str, str, tuple[tuple[str, str | int], ...]], tuple[int, str]] = {}
    filled = 0
    for number, cells in rows:
        if number in badly_shaped:
            continue
        row = _SheetRow(header=header, cells=cells, number=number, source=source, problems=problems)
        if not row.well_formed():
            continue
        if not row.text("value"):
            continue
        filled += 1
        parsed = row.parse(rulebook)
        if parsed is None:
            continue
        edition, criterion_code, indicator, threshold = parsed
        selectors = tuple(sorted(threshold.selectors().items()))
        signature = (edition.id, indicator.key, selectors)
        value_text = _number_text(threshold.value)
        if signature in seen:
            first, first_value = seen[signature]
            what = "repeats" if first_value == value_text else f"contradicts ({first_value!r} in)"
            row.bad(
                "value",
                f"{what} row {first}: one row per indicator and selectors "
                f"({dict(selectors) or 'general level'})",
            )
            continue
        seen[signature] = (number, value_text)
        replaced = row.replacements(edition, indicator, threshold)
        if replaced is None:
            continue
        overrides.setdefault(edition.id, []).extend(replaced)
        overlay = overlays.setdefault(edition.id, {"ruleset": {}, "criteria": []})
        crit = next((c for c in overlay["criteria"] if c["code"] == criterion_code), None)
        if crit is None:
            crit = {"code": criterion_code, "indicators": []}
            overlay["criteria"].append(crit)
        ind = next((i for i in crit["indicators"] if i["key"] == indicator.key), None)
        if ind is None:
            ind = {"key": indicator.key, "thresholds": []}
            crit["indicators"].append(ind)
        ind["thresholds"].append(row.data)
    if problems:
        raise InputErrors(f"{source}: {len(problems)} problem(s) in the threshold sheet", problems)
    if not overlays:
        reason = (
            "every filled row restates a threshold the rules already have"
            if filled
            else "no row has a value"
        )
        raise DataError(f"the threshold sheet changes nothing: {reason}", source=source)
    return SheetData(overlays=overlays, overrides=overrides)


def _check_header(header: list[str], source: str, found: list[InputError]) -> None:
    names = [h.strip() for h in header]
    problems: list[Exception] = list(found)
    for index, name in enumerate(names):
        if name not in SHEET_COLUMNS:
            close = difflib.get_close_matches(name, SHEET_COLUMNS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                InputError(
                    f"unknown column{hint}; the columns are {', '.join(SHEET_COLUMNS)}",
                    source=source,
                    row=1,
                    column=name[:80],
                    value=name[:80],
                )
            )
        elif name in names[:index]:
            problems.append(
                InputError("the column appears twice", source=source, row=1, column=name)
            )
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        problems.append(
            DataError(
                f"missing column(s) {', '.join(missing)}; expected {', '.join(SHEET_COLUMNS)}",
                source=source,
                row=1,
            )
        )
    if problems:
        raise InputErrors(f"{source}: not a threshold sheet", problems)


@attrs.define
class _SheetRow:
    """One row of a threshold sheet, checked column by column."""

    header: list[str]
    cells: list[str]
    number: int
    source: str
    problems: list[Exception]
    row: dict[str, str] = attrs.field(factory=dict)
    data: dict[str, Any] = attrs.field(factory=dict)
    override: bool = False

    def well_formed(self) -> bool:
        """Whether the row has no formula and no overlong cell; names the cell if not."""
        self.row = {h.strip(): c for h, c in zip(self.header, self.cells, strict=True)}
        ok = True
        for column, cell in self.row.items():
            if cell.lstrip().startswith(_FORMULA) and cell.strip() != "==":
                self.bad(column, "a formula: type the value itself (paste as values)")
                ok = False
            elif len(cell) > _MAX_CELL:
                self.bad(column, f"a cell of {len(cell)} characters (at most {_MAX_CELL})")
                ok = False
        return ok

    def text(self, column: str) -> str:
        return self.row.get(column, "").strip()

    def bad(self, column: str, message: str) -> None:
        self.bad_cell(column, message, self.row.get(column))

    def bad_cell(self, column: str, message: str, value: object) -> None:
        shown = value[:80] if isinstance(value, str) else value
        self.problems.append(
            InputError(message, source=self.source, row=self.number, column=column, value=shown)
        )

    def parse(self, rulebook: Editions) -> tuple[RuleSet, str, Indicator, Threshold] | None:
        """``(edition, criterion code, indicator, threshold)``, or ``None`` if the row is bad."""
        spec = self.text("ruleset")
        try:
            if "@" not in spec:
                msg = f"{spec!r} names no edition: write KEY@EDITION as the template does"
                raise KeyError(msg)
            edition = rulebook.get(spec)
        except KeyError as err:
            self.bad("ruleset", f"unknown rule set edition: {err.args[0]}")
            return None
        key = self.text("indicator")
        try:
            indicator = edition.indicator(key)
        except KeyError:
            keys = [i.key for _, i in edition.indicators()]
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.bad("indicator", f"{edition.id} has no indicator {key!r}{hint}")
            return None
        criterion = next(c for c, i in edition.indicators() if i is indicator)
        before = len(self.problems)
        self.unchanged_cells(criterion.code, indicator)
        data: dict[str, Any] = {"value": self.value(indicator)}
        data.update(self.selectors())
        data["citation"] = self.citation()
        data["provenance"] = self.provenance()
        data.update({c: self.text(c) for c in ("source", "note") if self.text(c)})
        self.override = self.explicit()
        if len(self.problems) > before or data["value"] is None:
            return None
        threshold, errors = check_threshold(
            data, kind=indicator.kind, selector=edition.selector.value, source=self.source
        )
        for error in errors:
            self.bad(_KEY_COLUMN.get(error.key or "", "value"), error.message)
        if threshold is None:
            return None
        self.data = data
        return edition, criterion.code, indicator, threshold

    def unchanged_cells(self, criterion: str, indicator: Indicator) -> None:
        """Descriptive cells are the rule set's: an edited one would be ignored, so refuse it."""
        expected = {
            "criterion": criterion,
            "code": indicator.code,
            "name_vi": indicator.name_vi,
            "comparator": indicator.comparator.value,
        }
        for column, want in expected.items():
            got = self.text(column)
            if got and _folded(got) != _folded(want):
                self.bad(
                    column,
                    f"the rule set says {want!r}; a sheet cannot change it "
                    "(leave the cell as the template wrote it, or blank)",
                )

    def value(self, indicator: Indicator) -> object:
        raw = self.text("value")
        if indicator.kind is IndicatorKind.BOOLEAN or indicator.unit is None:
            if raw.casefold() not in _TRUE_WORDS:
                self.bad("value", f"a yes/no indicator's threshold is true (Đạt), got {raw!r}")
                return None
            return True
        match = _PLAIN.match(raw)
        if match is None:
            hint = (
                "; the decimal separator is a point (46.5, not 46,5)" if _COMMA.match(raw) else ""
            )
            self.bad("value", f"expected a plain decimal number such as 46.5{hint}")
            return None
        number, suffix = match.group(1), (match.group(2) or "").strip()
        column_unit = self.text("unit")
        if suffix and column_unit and suffix != column_unit:
            self.bad("value", f"the value says {suffix!r} but the unit column says {column_unit!r}")
            return None
        unit = suffix or column_unit or indicator.unit
        blame = "unit" if column_unit and not suffix else "value"
        try:
            value = to_canonical(number, indicator.unit, field=indicator.key, unit=unit)
        except UnitMismatchError as err:
            reason = f": {err.reason}" if err.reason else ""
            self.bad(blame, f"expected a value in {indicator.unit}, got unit {unit!r}{reason}")
            return None
        return value.numerator if value.denominator == 1 else decimal_text(value)

    def selectors(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        parsers = {"region": Region.from_text, "group": CommuneGroup.from_text}
        for column, parse in parsers.items():
            if self.text(column):
                try:
                    out[column] = parse(self.text(column)).value
                except ValueError as err:
                    self.bad(column, str(err))
        if self.text("commune_kind"):
            out["commune_kind"] = self.text("commune_kind")
        year = self.text("year")
        if year and year.isascii() and year.isdigit() and _YEARS[0] <= int(year) <= _YEARS[1]:
            out["year"] = int(year)
        elif year:
            self.bad("year", f"expected a year from {_YEARS[0]} to {_YEARS[1]}, such as 2024")
        return out

    def citation(self) -> dict[str, Any]:
        number = self.text("citation_number")
        if not number:
            self.bad(
                "citation_number",
                "a filled threshold needs the number of the instrument it comes from",
            )
        citation: dict[str, Any] = {"number": number}
        date_text = self.text("citation_date")
        if date_text:
            try:
                citation["date"] = dt.date.fromisoformat(date_text)
            except ValueError:
                self.bad("citation_date", "expected an ISO date (YYYY-MM-DD)")
        citation.update(
            {p: self.text(f"citation_{p}") for p in ("annex", "item") if self.text(f"citation_{p}")}
        )
        return citation

    def provenance(self) -> str | None:
        text = self.text("provenance")
        try:
            return Provenance(text.casefold()).value
        except ValueError:
            choices = ", ".join(p.value for p in Provenance)
            self.bad("provenance", f"expected one of {choices}, got {text[:40]!r}")
            return None

    def explicit(self) -> bool:
        text = self.text("override").casefold()
        if text not in _OVERRIDE_WORDS:
            self.bad("override", f"expected yes or blank, got {text!r}")
            return False
        return _OVERRIDE_WORDS[text]

    def replacements(
        self, edition: RuleSet, indicator: Indicator, new: Threshold
    ) -> list[ThresholdOverride] | None:
        """The thresholds this row puts aside; ``None`` if it changes nothing or may not.

        Those are the ones that decide, today, some unit the row will decide: the
        most specific thresholds whose selectors are a subset of the row's.
        """
        mine = new.selectors().items()
        covering = [
            t
            for t in indicator.thresholds
            if (t.value is not None or t.relative_to is not None) and t.selectors().items() <= mine
        ]
        taken = [
            t
            for t in covering
            if not any(t.selectors().items() < other.selectors().items() for other in covering)
        ]
        same = next((t for t in taken if t.same_selectors(new)), None)
        if (
            same is not None
            and same.value == new.value
            and same.provenance is new.provenance
            and same.citation.number == new.citation.number
        ):
            return None  # the template's own row for a known value, left as it was
        explicit = self.override
        records = [
            ThresholdOverride(
                edition=edition.id,
                indicator=indicator.key,
                old=old,
                new=attrs.evolve(new, origin=f"{self.source}, row {self.number}"),
                sheet=self.source,
                row=self.number,
                explicit=explicit,
            )
            for old in taken
        ]
        refused = [r for r in records if r.downgrade and not explicit]
        for record in refused:
            old = record.old
            self.bad(
                "override",
                f"would replace the {old.provenance.value} threshold "
                f"{_number_text(old.value)!s} ({old.selectors() or 'general level'}, "
                f"{old.citation.number}) of {indicator.key} with one marked "
                f"{new.provenance.value}; write yes in the override column to do so "
                "on purpose",
            )
        if refused:
            return None
        if explicit and not records:
            self.bad("override", "the row replaces no threshold; leave the override cell blank")
            return None
        return records


_YEARS = (2000, 2100)


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
