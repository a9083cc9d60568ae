"""The deterministic projection: every unit on its trend, decided year by year.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from ntm_core._core.dates import as_date
from ntm_core._core.display import check_lang, html_table, outcome_mark, short_repr
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, RuleLevel
from ntm_core._core.workbook import Sheet, workbook_bytes
from ntm_core.admin import AdminSnapshot, AdminTree
from ntm_core.engine import CODES, Observations
from ntm_core.rules import Rulebook

__all__ = ["Attainment", "Projection", "project"]

SCHEMA = "ntm_core.projection/1"
_OUTCOMES = {code: outcome for outcome, code in CODES.items()}
_NOT_YET = "none"
_UNKNOWN = "unknown"
_NOTE_EN = (
    "A trend is not a forecast: each unit's indicators follow a Theil–Sen line through its "
    "observed years (ratios kept within 0–100, yes/no values by their observed transitions); "
    "rules are those in force at the end of each year; the administrative units are those of "
    "the base date."
)
_NOTE_VI = (
    "Xu hướng không phải dự báo: chỉ số của mỗi đơn vị theo đường Theil–Sen qua các năm đã quan "
    "sát (tỷ lệ giữ trong 0–100, giá trị có/không theo tần suất chuyển đổi đã quan sát); áp dụng "
    "bộ tiêu chí có hiệu lực cuối mỗi năm; đơn vị hành chính giữ như ngày gốc."
)
_LEGEND_EN = (
    "—: the condition is not in that year's rules; ? unknown: its content or thresholds are not "
    "encoded, or data are missing. Neither is counted as not met."
)
_LEGEND_VI = (
    "—: điều kiện không có trong bộ tiêu chí của năm đó; ? chưa rõ: nội dung hoặc ngưỡng chưa được "
    "mã hóa, hoặc thiếu số liệu. Không tính là chưa đạt."
)


@attrs.frozen(kw_only=True)
class Attainment:
    """When a unit (or the province) first reaches its level's first tier on the trend.

    Attributes:
        code: The unit's code; ``name`` its name; ``level`` its level.
        tier: The tier looked for (standard; the province's task completed).
        year: The first year it is reached (the base year when already there),
            or ``None``.
        reason: Why ``year`` is ``None`` (not within the horizon, or unknown),
            or ``""``; ``reason_vi`` the same in Vietnamese.
    """

    code: str
    name: str
    level: RuleLevel
    tier: str
    year: int | None
    reason: str = ""
    reason_vi: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level.value,
            "tier": self.tier,
            "year": self.year,
            "reason": self.reason or None,
        }


@attrs.frozen(kw_only=True, eq=False)
class Projection:
    """Projected tiers, province conditions and years of attainment, on the trend.

    Attributes:
        province: The province code; ``province_name`` its name.
        on: The base date; ``base`` the last period known then (decided as observed).
        years: The base year, then the projected years.
        units: ``(code, name, level)`` of every unit decided (communes, districts,
            towns, the province).
        tiers: Per year, per unit: the tier reached (``"standard"``, …), ``"none"``
            (below the first tier) or ``"unknown"`` (undecided, or no rules in force).
        conditions: ``(code, indicator key, name_en, name_vi)`` of the province's
            conditions over the years.
        outcomes: Per year, per condition: the outcome, or ``None`` when the year's
            rules do not have the condition.
        values: Per year, per condition: the province's value (``None`` when unknown).
        attainment: Per unit, in ``units`` order.
        province_attainment: The province's task.
        rules: Per year, the rule editions applied.
        synthetic: Whether the values are synthetic.

    .. versionadded:: 0.2.0
    """

    province: str
    province_name: str
    on: dt.date
    base: int
    years: tuple[int, ...]
    units: tuple[tuple[str, str, RuleLevel], ...]
    tiers: tuple[tuple[str, ...], ...]
    conditions: tuple[tuple[str, str, str, str], ...]
    outcomes: tuple[tuple[Outcome | None, ...], ...]
    values: tuple[tuple[float | None, ...], ...]
    attainment: tuple[Attainment, ...]
    province_attainment: Attainment
    rules: tuple[tuple[str, ...], ...]
    synthetic: bool = False

    def __repr__(self) -> str:
        return short_repr(
            "Projection",
            ("province", self.province),
            ("on", self.on.isoformat()),
            ("years", f"{self.years[0]}–{self.years[-1]}"),
            ("units", len(self.units)),
            ("attains", self.province_attainment.year or "no"),
        )

    def _level_units(self, level: RuleLevel) -> list[int]:
        return [i for i, u in enumerate(self.units) if u[2] is level]

    def tier_counts(self, level: RuleLevel = RuleLevel.COMMUNE) -> dict[int, dict[str, int]]:
        """Per year: how many units of ``level`` are at each tier (and ``none``, ``unknown``)."""
        rows = self._level_units(level)
        out: dict[int, dict[str, int]] = {}
        for h, year in enumerate(self.years):
            counts: dict[str, int] = {}
            for i in rows:
                counts[self.tiers[h][i]] = counts.get(self.tiers[h][i], 0) + 1
            out[year] = counts
        return out

    def at_least(self, tier: str, level: RuleLevel = RuleLevel.COMMUNE) -> dict[int, int]:
        """Per year: units of ``level`` at ``tier`` or above (on the commune ladder's order)."""
        order = [t.value for t in _ladder(level)]
        wanted = order.index(tier)
        rows = self._level_units(level)
        return {
            year: sum(
                1
                for i in rows
                if self.tiers[h][i] in order and order.index(self.tiers[h][i]) >= wanted
            )
            for h, year in enumerate(self.years)
        }

    def _cell(self, h: int, i: int, lang: str) -> str:
        outcome = self.outcomes[h][i]
        return "—" if outcome is None else outcome_mark(outcome, lang=lang)  # type: ignore[arg-type]

    def _header(self, lang: str) -> list[str]:
        vi = lang == "vi"
        first = ["Năm", "Xã đạt chuẩn", "Nâng cao", "Kiểu mẫu", "Chưa rõ"] if vi else [
            "Year", "Communes standard", "advanced", "model", "unknown"
        ]  # fmt: skip
        return first + [code for code, *_ in self.conditions]

    def _rows(self, lang: str) -> list[list[str]]:
        standard = self.at_least("standard")
        advanced = self.at_least("advanced")
        model = self.at_least("model")
        counts = self.tier_counts()
        rows = []
        for h, year in enumerate(self.years):
            label = (
                f"{year} ({'gốc' if lang == 'vi' else 'base'})" if year == self.base else str(year)
            )
            rows.append(
                [
                    label,
                    str(standard[year]),
                    str(advanced[year]),
                    str(model[year]),
                    str(counts[year].get(_UNKNOWN, 0)),
                ]
                + [self._cell(h, i, lang) for i in range(len(self.conditions))]
            )
        return rows

    def _attained(self, a: Attainment, lang: str) -> str:
        if a.year is not None:
            return str(a.year)
        return "không: " + a.reason_vi if lang == "vi" else "no: " + a.reason

    def _summary(self, lang: str) -> list[str]:
        vi = lang == "vi"
        lines = [
            ("Tỉnh hoàn thành nhiệm vụ: " if vi else "Province completes its task: ")
            + self._attained(self.province_attainment, lang)
        ]
        communes = [a for a in self.attainment if a.level is RuleLevel.COMMUNE]
        by_year: dict[str, int] = {}
        for a in communes:
            key = str(a.year) if a.year is not None else ("chưa" if vi else "not by")
            by_year[key] = by_year.get(key, 0) + 1
        lines.append(
            ("Xã đạt chuẩn lần đầu theo năm: " if vi else "Communes first at standard, by year: ")
            + "; ".join(f"{k}: {v}" for k, v in by_year.items())
        )
        names = [f"{code} {name_vi if vi else en}" for code, _, en, name_vi in self.conditions]
        lines.append(("Điều kiện: " if vi else "Conditions: ") + "; ".join(names))
        lines.append(_LEGEND_VI if vi else _LEGEND_EN)
        if self.synthetic:
            lines.append("Số liệu: GIẢ LẬP (mẫu)." if vi else "Values: SYNTHETIC (a sample).")
        lines.append(_NOTE_VI if vi else _NOTE_EN)
        return lines

    def _title(self, lang: str) -> str:
        vi = lang == "vi"
        return (
            f"{self.province_name} ({self.province}) — "
            + ("dự phóng theo xu hướng" if vi else "projection on the trend")
            + f" {self.years[0]}–{self.years[-1]}; "
            + ("ngày gốc" if vi else "base")
            + f" {self.on.isoformat()}"
        )

    def to_text(self, *, lang: str = "en") -> str:
        """Plain text: the province by year, when it completes its task, the communes' years."""
        lang = check_lang(lang)
        rows = [self._header(lang), *self._rows(lang)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [self._title(lang)]
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        lines += self._summary(lang)
        return "\n".join(lines) + "\n"

    def to_markdown(self, *, lang: str = "en") -> str:
        """A Markdown table of the province by year, then the summary."""
        lang = check_lang(lang)
        header = self._header(lang)
        out = [f"# {self._title(lang)}", ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        out += ["| " + " | ".join(r) + " |" for r in self._rows(lang)]
        out.append("")
        out += [f"{line}\n" for line in self._summary(lang)]
        return "\n".join(out)

    def to_html(self, *, lang: str = "en") -> str:
        """An HTML table of the province by year (cells escaped), then the summary."""
        lang = check_lang(lang)
        parts = [html_table(self._header(lang), self._rows(lang), caption=self._title(lang))]
        parts += [f"<p>{html.escape(line)}</p>" for line in self._summary(lang)]
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: years with tier counts and conditions, every unit's attainment."""
        years = []
        for h, year in enumerate(self.years):
            years.append(
                {
                    "year": year,
                    "base": year == self.base,
                    "rules": list(self.rules[h]),
                    "communes": self.tier_counts()[year],
                    "conditions": [
                        {
                            "code": code,
                            "indicator": key,
                            "name": name_en,
                            "outcome": None
                            if self.outcomes[h][i] is None
                            else self.outcomes[h][i].value,  # type: ignore[union-attr]
                            "status": "not_in_force" if self.outcomes[h][i] is None else "decided",
                            "value": self.values[h][i],
                        }
                        for i, (code, key, name_en, _) in enumerate(self.conditions)
                    ],
                }
            )
        return {
            "schema": SCHEMA,
            "province": {"code": self.province, "name": self.province_name},
            "on": self.on.isoformat(),
            "base": self.base,
            "to": self.years[-1],
            "synthetic": self.synthetic,
            "method": _NOTE_EN,
            "legend": _LEGEND_EN,
            "province_attainment": self.province_attainment.to_dict(),
            "years": years,
            "units": [a.to_dict() for a in self.attainment],
        }

    def to_frame(self) -> dict[str, Any]:
        """Three named frames: ``tiers`` (unit × year), ``conditions`` and ``attainment``."""
        pd = require("pandas", feature="Projection.to_frame()")
        tiers = pd.DataFrame(
            [
                {"code": code, "name": name, "level": level.value}
                | {str(year): self.tiers[h][u] for h, year in enumerate(self.years)}
                for u, (code, name, level) in enumerate(self.units)
            ]
        )
        conditions = pd.DataFrame(
            [
                {
                    "year": year,
                    "code": code,
                    "name": en,
                    "outcome": None if self.outcomes[h][i] is None else self.outcomes[h][i].value,  # type: ignore[union-attr]
                    "value": self.values[h][i],
                }
                for h, year in enumerate(self.years)
                for i, (code, _, en, _) in enumerate(self.conditions)
            ]
        )
        attainment = pd.DataFrame(
            [a.to_dict() for a in (*self.attainment, self.province_attainment)]
        )
        return {"tiers": tiers, "conditions": conditions, "attainment": attainment}

    def to_excel(self, path: str | Path, *, lang: str = "en", force: bool = False) -> None:
        """Write the projection as a workbook (sheets: years, units)."""
        from ntm_core._core.tables import write_bytes

        lang = check_lang(lang)
        sheets = [
            Sheet(
                title="years",
                header=self._header(lang),
                rows=self._rows(lang),
            ),
            Sheet(
                title="units",
                header=("code", "name", "level", "year", "reason"),
                rows=[
                    [a.code, a.name, a.level.value, a.year, a.reason or None]
                    for a in (*self.attainment, self.province_attainment)
                ],
            ),
        ]
        write_bytes(
            Path(path), workbook_bytes(sheets, feature="Projection.to_excel()"), force=force
        )


def _ladder(level: RuleLevel) -> tuple[Any, ...]:
    from ntm_core._core.vocabulary import Tier

    return Tier.ladder(level)


def project(
    observations: Observations,
    *,
    province: str,
    on: dt.date | str,
    to: int,
    tree: AdminSnapshot | AdminTree,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
    synthetic: bool = False,
) -> Projection:
    """Project every unit of ``province`` on its trend to ``to`` and decide each year.

    The base year (the last period known on ``on``) is decided on the observed
    values; each later year on the trend (:func:`fit_trend`), under the rules in
    force on its 31 December.

    Args:
        observations: Values of several periods (those ending by ``on`` are used).
        province: The province code.
        on: The base date (a date or ``"YYYY-MM-DD"``).
        to: The last projected year.
        tree: The administrative tree (or its snapshot on ``on``).
        rulebook: The rules (bundled by default).
        scope: Prefer this scope's rule sets (``"ha-tinh"``).
        synthetic: The values are synthetic (a sample); every format says so.

    Raises:
        InputError: If ``on`` is not a date, ``to`` is not after the last period
            known on ``on``, or the province is not in the tree.

    .. versionadded:: 0.2.0
    """
    from ntm_core.scenarios._projection import _build

    day = as_date(on)
    model = _build(
        observations,
        province=province,
        on=day,
        to=to,
        tree=tree,
        rulebook=rulebook,
        scope=scope,
        base=True,
    )
    snapshot = tree.as_of(day) if isinstance(tree, AdminTree) else tree
    trend = model.trend
    tiers: list[list[str]] = []
    outcomes: list[list[Outcome | None]] = []
    values: list[list[float | None]] = []
    completed: list[bool] = []
    undecided: list[bool] = []
    units = [(code, snapshot[code].name, lv.level) for lv in model.levels for code in lv.codes]
    for h, year in enumerate(model.years):
        raw = trend.anchor if year == trend.last_period else None
        scaled = trend.bounded(raw) if raw is not None else trend.project(year)
        decision = model.decide(h, scaled[None])
        row: list[str] = []
        for lv in model.levels:
            ladder = model.ladder_tiers(lv.level, h)
            at = decision.tiers[lv.level][0]
            unknown = decision.unknown[lv.level][0]
            for u in range(len(lv.codes)):
                if unknown[u] or not ladder:
                    row.append(_UNKNOWN)
                else:
                    row.append(ladder[at[u]].value if at[u] >= 0 else _NOT_YET)
        tiers.append(row)
        outcomes.append(
            [
                _OUTCOMES[int(decision.conditions[0, i])] if model.in_force[h][i] else None
                for i in range(len(model.conditions))
            ]
        )
        values.append([None if np.isnan(v) else float(v) for v in decision.values[0].tolist()])
        completed.append(bool(decision.completed[0]))
        undecided.append(bool(decision.undecided[0]))
    attainment = tuple(
        _attainment(units[u], [t[u] for t in tiers], model.years, to)
        for u in range(len(units))
        if units[u][2] is not RuleLevel.PROVINCE
    )
    code = province
    province_attainment = _province_attainment(
        (code, snapshot[code].name, RuleLevel.PROVINCE), completed, undecided, model.years, to
    )
    return Projection(
        province=province,
        province_name=snapshot[province].name,
        on=day,
        base=model.years[0],
        years=model.years,
        units=tuple(units),
        tiers=tuple(tuple(row) for row in tiers),
        conditions=model.conditions,
        outcomes=tuple(tuple(row) for row in outcomes),
        values=tuple(tuple(row) for row in values),
        attainment=attainment,
        province_attainment=province_attainment,
        rules=model.rules,
        synthetic=synthetic,
    )


def _first_tier(level: RuleLevel) -> str:
    return str(_ladder(level)[1].value)


def _attainment(
    unit: tuple[str, str, RuleLevel], path: list[str], years: tuple[int, ...], to: int
) -> Attainment:
    """The first year a unit is at its level's first tier or above."""
    code, name, level = unit
    first = _first_tier(level)
    order = [t.value for t in _ladder(level)]
    for year, tier in zip(years, path, strict=True):
        if tier in order and order.index(tier) >= order.index(first):
            return Attainment(code=code, name=name, level=level, tier=first, year=year)
    unknown = ", ".join(str(y) for y, t in zip(years, path, strict=True) if t == _UNKNOWN)
    en, vi = (
        (
            f"unknown in {unknown} (rules, thresholds or data not known)",
            f"chưa rõ năm {unknown} (chưa biết bộ tiêu chí, ngưỡng hoặc số liệu)",
        )
        if unknown
        else (f"not reached by {to} on the trend", f"chưa đạt đến {to} theo xu hướng")
    )
    return Attainment(
        code=code, name=name, level=level, tier=first, year=None, reason=en, reason_vi=vi
    )


def _province_attainment(
    unit: tuple[str, str, RuleLevel],
    completed: list[bool],
    undecided: list[bool],
    years: tuple[int, ...],
    to: int,
) -> Attainment:
    code, name, level = unit
    tier = _first_tier(level)
    for year, done in zip(years, completed, strict=True):
        if done:
            return Attainment(code=code, name=name, level=level, tier=tier, year=year)
    unknown = ", ".join(str(y) for y, u in zip(years, undecided, strict=True) if u)
    en, vi = (
        (
            f"unknown in {unknown} (conditions whose content or thresholds are not encoded)",
            f"chưa rõ năm {unknown} (điều kiện chưa được mã hóa nội dung hoặc ngưỡng)",
        )
        if unknown
        else (f"not completed by {to} on the trend", f"chưa hoàn thành đến {to} theo xu hướng")
    )
    return Attainment(
        code=code, name=name, level=level, tier=tier, year=None, reason=en, reason_vi=vi
    )
