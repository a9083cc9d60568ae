"""Threshold sheets: write a template to fill from the official text, read it back.

Most official per-region numbers have not been read yet. A threshold sheet
lets the people who hold the official text fill them without touching code:
``ntm rules template KEY@EDITION`` writes one row per indicator and selector,
known values filled and unknown ones blank; a filled sheet loads as an overlay
with ``--thresholds FILE`` or :meth:`Rulebook.with_thresholds`.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ntm_core._core.numbers import decimal_text, number_text
from ntm_core._core.tables import read_table
from ntm_core._core.vocabulary import CommuneGroup, Provenance, Region
from ntm_core.exceptions import DataError, InputError, InputErrors, UnitMismatchError
from ntm_core.rules._model import Indicator, IndicatorKind, RuleSet, SelectorKind, Threshold

if TYPE_CHECKING:
    from ntm_core.rules._rulebook import Rulebook

__all__ = ["SHEET_COLUMNS", "read_threshold_sheet", "template_rows", "write_template"]

SHEET_COLUMNS = (
    "ruleset", "criterion", "indicator", "code", "name_vi", "unit", "comparator",
    "region", "group", "year", "commune_kind", "value",
    "citation_number", "citation_date", "citation_annex", "citation_item",
    "provenance", "source", "note",
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
    }


def template_rows(edition: RuleSet, *, region: Region | None = None) -> Iterator[dict[str, str]]:
    """Rows of a threshold sheet for ``edition``: known thresholds, then blanks to fill.

    For region-dependent editions every indicator gets one row for the general
    level and one per region (or only ``region`` when given); group-dependent
    editions get one row per commune group.
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
        for slot in slots:
            wanted = {k: v for k, v in slot.items() if v is not None}
            if any(
                {k: str(v) for k, v in t.selectors().items() if k in ("region", "group")}
                == {k: str(v) for k, v in wanted.items()}
                for t in shown
            ):
                continue
            yield _row(edition, criterion.code, indicator, None, **slot)


def write_template(
    edition: RuleSet, path: Path | str | None, *, region: Region | None = None
) -> str:
    """Write a threshold sheet template as CSV (or XLSX when ``path`` ends in ``.xlsx``).

    With ``path`` ``None`` the CSV text is returned instead of written.
    Returns the CSV text in every case.
    """
    rows = list(template_rows(edition, region=region))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SHEET_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    if path is None:
        return text
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        _write_xlsx(target, rows)
    else:
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return text


def _write_xlsx(target: Path, rows: list[dict[str, str]]) -> None:
    try:
        import openpyxl
    except ImportError:
        msg = "writing .xlsx needs openpyxl: pip install 'ntm-core[excel]'"
        raise DataError(msg, source=str(target)) from None
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "thresholds"
    sheet.append(list(SHEET_COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in SHEET_COLUMNS])
    tmp = target.with_name(target.name + ".tmp.xlsx")
    book.save(tmp)
    tmp.replace(target)


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        table = read_table(path, str(path))
    except DataError as err:
        if "no data rows" in err.message:
            return []  # a header alone: nothing filled in
        raise
    if table.problems:
        raise InputErrors(f"{path}: {len(table.problems)} problem(s)", table.problems)
    return list(table.text_rows())


def read_threshold_sheet(sheet: Path | str, rulebook: Rulebook) -> dict[str, dict[str, Any]]:
    """Read a filled sheet into overlay data per edition id.

    Rows with an empty ``value`` are skipped (not filled yet). Every other row
    must name an existing edition and indicator, carry a value that fits the
    indicator (converted from the row's unit when it differs), a citation
    number and a provenance.

    Raises:
        InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per
            problem, each naming the file, row and column.
        DataError: If the file cannot be read at all.
    """
    path = Path(sheet)
    source = str(path)
    try:
        rows = _read_rows(path)
    except OSError as err:
        raise DataError(f"cannot read the sheet: {err.strerror}", source=source) from None
    problems: list[Exception] = []
    if rows:
        missing = [c for c in _REQUIRED if c not in rows[0][1]]
        if missing:
            raise DataError(
                f"missing column(s) {', '.join(missing)}; expected {', '.join(SHEET_COLUMNS)}",
                source=source,
            )
    overlays: dict[str, dict[str, Any]] = {}
    for number, row in rows:
        if not row.get("value", "").strip():
            continue
        parsed = _SheetRow(row=row, number=number, source=source, problems=problems).parse(rulebook)
        if parsed is None:
            continue
        edition_id, criterion_code, key, threshold = parsed
        overlay = overlays.setdefault(edition_id, {"ruleset": {}, "criteria": []})
        crit = next((c for c in overlay["criteria"] if c["code"] == criterion_code), None)
        if crit is None:
            crit = {"code": criterion_code, "indicators": []}
            overlay["criteria"].append(crit)
        ind = next((i for i in crit["indicators"] if i["key"] == key), None)
        if ind is None:
            ind = {"key": key, "thresholds": []}
            crit["indicators"].append(ind)
        ind["thresholds"].append(threshold)
    if problems:
        raise InputErrors(f"{source}: {len(problems)} problem(s) in the threshold sheet", problems)
    return overlays


@attrs.define
class _SheetRow:
    """One filled row of a threshold sheet, checked column by column."""

    row: dict[str, str]
    number: int
    source: str
    problems: list[Exception]

    def text(self, column: str) -> str:
        return self.row.get(column, "").strip()

    def bad(self, column: str, message: str) -> None:
        self.problems.append(
            InputError(
                message,
                source=self.source,
                row=self.number,
                column=column,
                value=self.row.get(column),
            )
        )

    def parse(self, rulebook: Rulebook) -> tuple[str, str, str, dict[str, Any]] | None:
        """``(edition id, criterion code, indicator key, threshold data)``, or ``None`` if bad."""
        try:
            edition = rulebook.get(self.text("ruleset"))
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
        errors_before = len(self.problems)
        threshold: dict[str, Any] = {"value": self.value(indicator)}
        threshold.update(self.selectors())
        threshold["citation"] = self.citation()
        threshold["provenance"] = self.provenance()
        threshold.update({c: self.text(c) for c in ("source", "note") if self.text(c)})
        if len(self.problems) > errors_before:
            return None
        return edition.id, criterion.code, indicator.key, threshold

    def value(self, indicator: Indicator) -> object:
        from ntm_core.units import _NUMBER, to_canonical

        raw = self.text("value")
        if indicator.kind is IndicatorKind.BOOLEAN or indicator.unit is None:
            if raw.casefold() not in ("true", "đạt", "yes", "x", "1"):
                self.bad("value", f"a yes/no indicator's threshold is true (Đạt), got {raw!r}")
            return True
        unit = self.text("unit") or indicator.unit
        try:
            value = to_canonical(
                raw,
                indicator.unit,
                field=indicator.key,
                unit=unit,
                source=self.source,
                row=self.number,
            )
        except UnitMismatchError as err:
            # blame the unit column only when the unit came from it, not from the value cell
            bare = _NUMBER.match(raw) is not None and not _NUMBER.match(raw).group(2)  # type: ignore[union-attr]
            column = "unit" if bare and self.text("unit") else "value"
            self.bad(
                column, f"expected a value in {indicator.unit}, got {raw!r} {unit!r}: {err.reason}"
            )
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
        if year and year.isdigit():
            out["year"] = int(year)
        elif year:
            self.bad("year", f"expected a year such as 2024, got {year!r}")
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
                self.bad("citation_date", f"expected an ISO date (YYYY-MM-DD), got {date_text!r}")
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
            self.bad("provenance", f"expected one of {choices}, got {text!r}")
            return None
