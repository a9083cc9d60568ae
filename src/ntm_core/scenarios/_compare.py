"""Compare two results: units whose tier changes, criteria that flip, conditions that change.

>>> import datetime as dt
>>> from ntm_core.engine import Observations, assess
>>> from ntm_core.scenarios import Scenario, compare
>>> obs = Observations(codes=["1"], periods=[2023], columns={}, attributes={"region": ["BTB"]})
>>> on = dt.date(2023, 12, 31)
>>> before = assess(obs, on=on)
>>> after = assess(Scenario.parse(["criterion:1=met"]).apply(obs, on=on), on=on)
>>> change = compare(before, after)
>>> [(c.unit, c.code, c.before.value, c.after.value) for c in change.criteria]
[('1', '1', 'unknown', 'met')]
>>> change
<Comparison tier_changes=0 up=0 down=0 criteria=1 conditions=0>

.. versionadded:: 0.3.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np

from ntm_core._core.display import Lang, check_lang, html_table, outcome_mark, short_repr
from ntm_core._core.numbers import json_exact, number_text
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core.engine import CODES, BatchResult, Value
from ntm_core.exceptions import InputError
from ntm_core.readiness import ProvinceReadiness

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ComparedCondition", "ComparedCriterion", "ComparedTier", "Comparison", "compare"]

_OUTCOMES = {code: outcome for outcome, code in CODES.items()}


def _tier_text(tier: Tier | None, lang: Lang) -> str:
    if tier is None:
        return "chưa rõ" if lang == "vi" else "unknown"
    return tier.label(lang)


@attrs.frozen(kw_only=True)
class ComparedTier:
    """A unit whose tier differs between the two results.

    Attributes:
        level: The level graded.
        unit: The unit's code.
        name: Its name, if known.
        period: The assessment year.
        before: The tier in the first result (``None``: unknown).
        after: The tier in the second result.
        direction: ``"up"``, ``"down"``, or ``"unknown"`` when missing data
            leaves the order undecided.

    .. versionadded:: 0.3.0
    """

    level: RuleLevel
    unit: str
    name: str | None
    period: int
    before: Tier | None
    after: Tier | None
    direction: str


@attrs.frozen(kw_only=True)
class ComparedCriterion:
    """A criterion of a unit whose outcome differs between the two results.

    .. versionadded:: 0.3.0
    """

    level: RuleLevel
    unit: str
    name: str | None
    period: int
    tier: Tier | None
    code: str
    name_vi: str
    name_en: str
    before: Outcome
    after: Outcome


@attrs.frozen(kw_only=True)
class ComparedCondition:
    """A province condition whose outcome or value differs between the two reports.

    .. versionadded:: 0.3.0
    """

    code: str
    name_vi: str
    name_en: str
    before: Outcome
    after: Outcome
    observed_before: Value | None
    observed_after: Value | None
    unit: str | None


def _tiers(value: Iterable[ComparedTier]) -> tuple[ComparedTier, ...]:
    return tuple(value)


def _criteria(value: Iterable[ComparedCriterion]) -> tuple[ComparedCriterion, ...]:
    return tuple(value)


def _conditions(value: Iterable[ComparedCondition]) -> tuple[ComparedCondition, ...]:
    return tuple(value)


def _value_text(value: Value | None, unit: str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = number_text(value, places=1) if unit == "percent" else number_text(value, significant=6)
    return f"{text}%" if unit == "percent" else text


@attrs.frozen(kw_only=True)
class Comparison:
    """What changed from one result to another (a scenario against the baseline, say).

    Attributes:
        tiers: Units whose tier changes, highest level first, then by code.
        criteria: Criteria whose outcome changes, per unit and rung.
        conditions: Province conditions whose outcome or value changes
            (readiness reports only).
        before: A label of the first result.
        after: A label of the second result.

    .. versionadded:: 0.3.0
    """

    tiers: tuple[ComparedTier, ...] = attrs.field(converter=_tiers)
    criteria: tuple[ComparedCriterion, ...] = attrs.field(converter=_criteria)
    conditions: tuple[ComparedCondition, ...] = attrs.field(converter=_conditions)
    before: str = "before"
    after: str = "after"

    def __repr__(self) -> str:
        return short_repr(
            "Comparison",
            ("tier_changes", len(self.tiers)),
            ("up", len(self.up)),
            ("down", len(self.down)),
            ("criteria", len(self.criteria)),
            ("conditions", len(self.conditions)),
        )

    @property
    def up(self) -> tuple[ComparedTier, ...]:
        """Units whose tier rises."""
        return tuple(t for t in self.tiers if t.direction == "up")

    @property
    def down(self) -> tuple[ComparedTier, ...]:
        """Units whose tier falls."""
        return tuple(t for t in self.tiers if t.direction == "down")

    @property
    def changed(self) -> bool:
        """Whether anything differs."""
        return bool(self.tiers or self.criteria or self.conditions)

    def to_rows(self, *, lang: Lang = "en") -> list[dict[str, object]]:
        """One flat record per change (tier, criterion, condition), for tables and CSV."""
        lang = check_lang(lang)
        rows: list[dict[str, object]] = [
            {
                "change": "tier",
                "level": t.level.value,
                "unit": t.unit,
                "name": t.name,
                "period": t.period,
                "item": "",
                "before": _tier_text(t.before, lang),
                "after": _tier_text(t.after, lang),
                "direction": t.direction,
            }
            for t in self.tiers
        ]
        rows += [
            {
                "change": "criterion",
                "level": c.level.value,
                "unit": c.unit,
                "name": c.name,
                "period": c.period,
                "item": f"{_tier_text(c.tier, lang)} {c.code} "
                + (c.name_vi if lang == "vi" else c.name_en),
                "before": outcome_mark(c.before, lang=lang),
                "after": outcome_mark(c.after, lang=lang),
                "direction": _flip(c.before, c.after),
            }
            for c in self.criteria
        ]
        rows += [
            {
                "change": "condition",
                "level": RuleLevel.PROVINCE.value,
                "unit": "",
                "name": "",
                "period": "",
                "item": f"{k.code} " + (k.name_vi if lang == "vi" else k.name_en),
                "before": f"{outcome_mark(k.before, lang=lang)} "
                f"{_value_text(k.observed_before, k.unit)}",
                "after": f"{outcome_mark(k.after, lang=lang)} "
                f"{_value_text(k.observed_after, k.unit)}",
                "direction": _flip(k.before, k.after),
            }
            for k in self.conditions
        ]
        return rows

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (exact values as strings)."""
        return {
            "schema": "ntm_core.comparison/1",
            "before": self.before,
            "after": self.after,
            "tiers": [
                {
                    "level": t.level.value,
                    "unit": t.unit,
                    "name": t.name,
                    "period": t.period,
                    "before": t.before.value if t.before else None,
                    "after": t.after.value if t.after else None,
                    "direction": t.direction,
                }
                for t in self.tiers
            ],
            "criteria": [
                {
                    "level": c.level.value,
                    "unit": c.unit,
                    "period": c.period,
                    "tier": c.tier.value if c.tier else None,
                    "code": c.code,
                    "name_en": c.name_en,
                    "before": c.before.value,
                    "after": c.after.value,
                }
                for c in self.criteria
            ],
            "conditions": [
                {
                    "code": k.code,
                    "name_en": k.name_en,
                    "before": k.before.value,
                    "after": k.after.value,
                    "observed_before": json_exact(k.observed_before),
                    "observed_after": json_exact(k.observed_after),
                    "unit": k.unit,
                }
                for k in self.conditions
            ],
        }

    def to_text(self, *, lang: Lang = "en") -> str:
        """A readable summary: conditions, then tier changes up and down, then criteria flips."""
        lang = check_lang(lang)
        vi = lang == "vi"
        lines = [
            (
                f"So sánh: {self.before} → {self.after}"
                if vi
                else f"Comparison: {self.before} → {self.after}"
            )
        ]
        if not self.changed:
            lines.append("Không có thay đổi." if vi else "Nothing changes.")
            return "\n".join(lines)
        if self.conditions:
            lines.append("Điều kiện của tỉnh:" if vi else "Province conditions:")
            for k in self.conditions:
                name = k.name_vi if vi else k.name_en
                lines.append(
                    f"  {k.code} {name}: {outcome_mark(k.before, lang=lang)} "
                    f"{_value_text(k.observed_before, k.unit)} → "
                    f"{outcome_mark(k.after, lang=lang)} {_value_text(k.observed_after, k.unit)}"
                )
        for label_en, label_vi, items in (
            ("Tier rises", "Lên hạng", self.up),
            ("Tier falls", "Xuống hạng", self.down),
            (
                "Tier changes, order unknown",
                "Đổi hạng, chưa rõ",
                tuple(t for t in self.tiers if t.direction == "unknown"),
            ),
        ):
            if not items:
                continue
            lines.append(f"{label_vi if vi else label_en} ({len(items)}):")
            lines.extend(
                f"  {t.level.value} {t.unit} {t.name or ''}: "
                f"{_tier_text(t.before, lang)} → {_tier_text(t.after, lang)}"
                for t in items
            )
        if self.criteria:
            units = len({(c.level, c.unit, c.period) for c in self.criteria})
            lines.append(
                f"Tiêu chí thay đổi ({len(self.criteria)}, ở {units} đơn vị):"
                if vi
                else f"Criteria that flip ({len(self.criteria)}, in {units} units):"
            )
            lines.extend(
                f"  {c.unit} {c.name or ''} [{_tier_text(c.tier, lang)}] {c.code} "
                f"{c.name_vi if vi else c.name_en}: {outcome_mark(c.before, lang=lang)} → "
                f"{outcome_mark(c.after, lang=lang)}"
                for c in self.criteria
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per change: ``change`` (tier, criterion, condition), unit, before, after."""
        pandas = require("pandas", feature="Comparison.to_frame()")
        columns = [
            "change",
            "level",
            "unit",
            "name",
            "period",
            "item",
            "before",
            "after",
            "direction",
        ]
        frame: pd.DataFrame = pandas.DataFrame(self.to_rows(), columns=columns)
        return frame

    def _repr_html_(self) -> str:
        rows = self.to_rows()
        header = ["change", "level", "unit", "name", "item", "before", "after", "direction"]
        return html_table(
            header,
            ([r[h] for h in header] for r in rows),
            caption=f"{self.before} → {self.after}: {len(self.up)} up, {len(self.down)} down, "
            f"{len(self.criteria)} criteria flip, {len(self.conditions)} conditions change",
            limit=50,
        )


def _flip(before: Outcome, after: Outcome) -> str:
    if after is Outcome.MET and before is not Outcome.MET:
        return "up"
    if before is Outcome.MET and after is not Outcome.MET:
        return "down"
    return "unknown"


def _direction(a_index: int, b_index: int, a_least: int, b_least: int) -> str:
    if a_index != -2 and b_index != -2:
        return "up" if b_index > a_index else "down"
    if b_least != a_least:
        return "up" if b_least > a_least else "down"
    return "unknown"


def _batch_changes(
    a: BatchResult, b: BatchResult, names: Mapping[str, str] | None = None
) -> tuple[list[ComparedTier], list[ComparedCriterion]]:
    """Tier changes and criterion flips of the rows both batches share (by code and period)."""
    level = a.ladder.level
    where_b = {key: i for i, key in enumerate(zip(b.codes, b.observations.periods, strict=True))}
    pairs = [
        (i, where_b[key])
        for i, key in enumerate(zip(a.codes, a.observations.periods, strict=True))
        if key in where_b
    ]
    if not pairs:
        return [], []
    ia = np.asarray([p[0] for p in pairs], dtype=np.intp)
    ib = np.asarray([p[1] for p in pairs], dtype=np.intp)
    a_tiers, b_tiers = (Tier.NOT_YET, *a.ladder.tiers), (Tier.NOT_YET, *b.ladder.tiers)

    def tier(tiers: tuple[Tier, ...], index: int) -> Tier | None:
        return None if index == -2 else tiers[index + 1]

    def name(batch: BatchResult, row: int) -> str | None:
        code = batch.codes[row]
        return batch.observations.attribute("name", row) or (names or {}).get(code)

    out_tiers = []
    ta, tb = a.tier_index[ia], b.tier_index[ib]
    la, lb = a.tier_at_least_index[ia], b.tier_at_least_index[ib]
    for k in np.flatnonzero((ta != tb) | (la != lb)).tolist():
        before, after = tier(a_tiers, int(ta[k])), tier(b_tiers, int(tb[k]))
        if before == after:
            continue
        row = int(ia[k])
        out_tiers.append(
            ComparedTier(
                level=level,
                unit=a.codes[row],
                name=name(a, row),
                period=a.observations.periods[row],
                before=before,
                after=after,
                direction=_direction(int(ta[k]), int(tb[k]), int(la[k]), int(lb[k])),
            )
        )
    out_criteria = []
    for rung in range(min(len(a.ladder.rungs), len(b.ladder.rungs))):
        edition = a.ladder.rungs[rung]
        codes_a, codes_b = a.criterion_outcomes[rung], b.criterion_outcomes[rung]
        for criterion in edition.criteria:
            if criterion.code not in codes_b:
                continue
            before_codes = codes_a[criterion.code][ia]
            after_codes = codes_b[criterion.code][ib]
            for k in np.flatnonzero(before_codes != after_codes).tolist():
                row = int(ia[k])
                out_criteria.append(
                    ComparedCriterion(
                        level=level,
                        unit=a.codes[row],
                        name=name(a, row),
                        period=a.observations.periods[row],
                        tier=edition.tier,
                        code=criterion.code,
                        name_vi=criterion.name_vi,
                        name_en=criterion.name_en,
                        before=_OUTCOMES[int(before_codes[k])],
                        after=_OUTCOMES[int(after_codes[k])],
                    )
                )
    out_criteria.sort(key=lambda c: (c.unit, c.period, a_tiers.index(c.tier) if c.tier else 0))
    return out_tiers, out_criteria


_LEVEL_ORDER = (RuleLevel.PROVINCE, RuleLevel.TOWN, RuleLevel.DISTRICT, RuleLevel.COMMUNE)


def compare(
    a: BatchResult | ProvinceReadiness,
    b: BatchResult | ProvinceReadiness,
    *,
    before: str = "before",
    after: str = "after",
) -> Comparison:
    """What changes from result ``a`` to result ``b``.

    Both are batch assessments (:func:`~ntm_core.engine.assess`) or both
    readiness reports (:func:`~ntm_core.readiness.assess_province`). Units
    are matched by code and period; a readiness comparison covers every
    level (communes, districts, towns, the province) and the province's
    conditions.

    Args:
        a: The first result (the baseline).
        b: The second result (a scenario, say).
        before: A label of ``a`` for displays.
        after: A label of ``b`` for displays.

    Raises:
        InputError: If the two are not of the same kind.

    .. versionadded:: 0.3.0
    """
    if isinstance(a, BatchResult) and isinstance(b, BatchResult):
        tiers, criteria = _batch_changes(a, b)
        return Comparison(tiers=tiers, criteria=criteria, conditions=(), before=before, after=after)
    if isinstance(a, ProvinceReadiness) and isinstance(b, ProvinceReadiness):
        return _compare_reports(a, b, before=before, after=after)
    msg = (
        "compare two batch results or two readiness reports, got "
        f"{type(a).__name__} and {type(b).__name__}"
    )
    raise InputError(msg, column="compare", value=(type(a).__name__, type(b).__name__))


def _compare_reports(
    a: ProvinceReadiness, b: ProvinceReadiness, *, before: str, after: str
) -> Comparison:
    tiers: list[ComparedTier] = []
    criteria: list[ComparedCriterion] = []
    for level in _LEVEL_ORDER:
        ra, rb = a.levels.get(level), b.levels.get(level)
        if ra is None or rb is None or ra.batch is None or rb.batch is None:
            continue
        names = {u.code: u.name for u in ra.units}
        t, c = _batch_changes(ra.batch, rb.batch, names)
        tiers += sorted(t, key=lambda x: x.unit)
        criteria += c
    by_code = {(k.code, k.name_en): k for k in b.conditions}
    conditions = []
    for k in a.conditions:
        other = by_code.get((k.code, k.name_en))
        if other is None:
            continue
        if k.outcome is not other.outcome or k.observed != other.observed:
            conditions.append(
                ComparedCondition(
                    code=k.code,
                    name_vi=k.name_vi,
                    name_en=k.name_en,
                    before=k.outcome,
                    after=other.outcome,
                    observed_before=k.observed,
                    observed_after=other.observed,
                    unit=k.unit,
                )
            )
    return Comparison(
        tiers=tiers, criteria=criteria, conditions=conditions, before=before, after=after
    )
