"""Read and validate rule files (TOML, schema ``ntm_core.rules/1``).

The loader never executes anything: it reads TOML with :mod:`tomllib`,
checks every key against the format, and collects every problem of a file
before raising them together as an :class:`ExceptionGroup` of
:class:`~ntm_core.exceptions.RuleDefinitionError`.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import math
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from ntm_core._core.vocabulary import Citation, CommuneGroup, Provenance, Region, RuleLevel, Tier
from ntm_core.exceptions import InputErrors, RuleDefinitionError
from ntm_core.rules._conditions import AllOf, AnyOf, AtLeast, Check, Condition, Not, When
from ntm_core.rules._model import (
    Aggregate,
    Comparator,
    Criterion,
    Indicator,
    IndicatorKind,
    OcopPart,
    OcopScheme,
    OcopStarBand,
    RegionOverride,
    RelativeThreshold,
    RevocationRule,
    RulePurpose,
    RuleSet,
    SelectorKind,
    Threshold,
)

__all__ = [
    "SCHEMA",
    "check_threshold",
    "load_rule_file",
    "materialise_citations",
    "merge_overlay",
    "parse_rule_data",
    "read_rule_file",
]

SCHEMA = "ntm_core.rules/1"

Raw = dict[str, Any]

_RULESET_KEYS = {
    "key", "edition", "period", "valid_from", "valid_to", "level", "tier", "title_vi",
    "title_en", "selector", "refines", "note", "instrument", "region_override",
}  # fmt: skip
_CITATION_KEYS = {"number", "date", "annex", "item", "url"}
_CRITERION_KEYS = {"code", "name_vi", "name_en", "group", "indicators", "condition", "note"}
_INDICATOR_KEYS = {
    "key", "code", "name_vi", "name_en", "kind", "unit", "comparator", "note",
    "thresholds", "aggregate",
}  # fmt: skip
_THRESHOLD_KEYS = {
    "value", "relative_to", "region", "group", "year", "commune_kind", "provenance",
    "source", "note", "citation",
}  # fmt: skip
_TOP_KEYS = {"schema", "ruleset", "criteria", "parts", "stars", "validity", "groups", "revocation"}
_SELECTORS = ("region", "group", "year", "commune_kind")
_PURPOSES = ("rating", "recognition", "targets")
_META = {"provenance", "citation", "note", "source"}


def _did_you_mean(word: str, choices: object) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else empty."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)  # type: ignore[call-overload]
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def _exact_number(value: object) -> Fraction | None:
    """An exact fraction from a TOML int, float or decimal string; ``None`` if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(repr(value))) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return Fraction(number) if number.is_finite() else None
    return None


@attrs.define
class _Reader:
    """Walks one file's data, collecting every problem instead of stopping at the first."""

    source: str
    instrument: Citation | None = None
    errors: list[RuleDefinitionError] = attrs.field(factory=list)

    def error(self, path: str, message: str, key: str | None = None) -> None:
        self.errors.append(RuleDefinitionError(message, source=self.source, path=path, key=key))

    def check_keys(self, data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.error(path, f"unknown key{_did_you_mean(key, allowed)}", key)

    def get(
        self,
        data: Mapping[str, Any],
        path: str,
        key: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = True,
    ) -> Any:  # noqa: ANN401 - TOML values are dynamically typed; callers narrow them
        if key not in data:
            if required:
                self.error(path, "missing required key", key)
            return None
        value = data[key]
        if (isinstance(value, bool) and kind in (int, float)) or not isinstance(value, kind):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            self.error(path, f"expected {names}, got {value!r}", key)
            return None
        if isinstance(value, str) and required and not value.strip():
            self.error(path, "must not be empty", key)
            return None
        return value

    def enum(
        self,
        data: Mapping[str, Any],
        path: str,
        key: str,
        parse: Callable[[str], Any],
        *,
        required: bool = True,
    ) -> Any:  # noqa: ANN401 - returns the enum member parse() gives
        text = self.get(data, path, key, (str, int), required=required)
        if text is None:
            return None
        try:
            return parse(text)
        except ValueError as err:
            self.error(path, str(err), key)
            return None

    def citation(
        self, data: Mapping[str, Any], path: str, *, key: str = "citation"
    ) -> Citation | None:
        raw = self.get(data, path, key, dict)
        if raw is None:
            return None
        sub = f"{path}.{key}"
        self.check_keys(raw, sub, _CITATION_KEYS)
        number = raw.get("number") or (self.instrument.number if self.instrument else None)
        date = raw.get("date")
        if date is None and "number" not in raw and self.instrument is not None:
            # The file's instrument date belongs to its number only: a citation of
            # another instrument (a ministry's guidance) whose date is unknown has none.
            date = self.instrument.date
        if not number:
            self.error(sub, "a citation needs an instrument number", "number")
            return None
        if date is not None and not isinstance(date, dt.date):
            self.error(sub, f"expected a date, got {date!r}", "date")
            return None
        fields = {k: raw.get(k) for k in ("annex", "item", "url")}
        if fields["annex"] is None and self.instrument is not None and "number" not in raw:
            fields["annex"] = self.instrument.annex
        return Citation(number=str(number), date=date, **fields)

    def provenance(self, data: Mapping[str, Any], path: str) -> Provenance | None:
        return self.enum(data, path, "provenance", Provenance)  # type: ignore[no-any-return]


def _parse_condition(  # noqa: PLR0911 - one early return per malformed shape
    reader: _Reader, raw: object, path: str, known: set[str]
) -> Condition | None:
    """Parse a condition tree; every leaf must name an indicator of the rule set."""
    if isinstance(raw, str):
        if raw not in known:
            reader.error(
                path, f"condition names undefined indicator{_did_you_mean(raw, known)}", raw
            )
            return None
        return Check(key=raw)
    if not isinstance(raw, dict) or not raw:
        reader.error(path, f"expected an indicator key or a condition table, got {raw!r}")
        return None
    nodes = {"all_of", "any_of", "at_least", "not", "when"}
    head = [k for k in raw if k in nodes]
    if len(head) != 1:
        reader.error(
            path, f"a condition node needs exactly one of {sorted(nodes)}, got {sorted(raw)}"
        )
        return None
    node = head[0]
    allowed = (
        {node} | ({"of"} if node == "at_least" else set()) | ({"then"} if node == "when" else set())
    )
    reader.check_keys(raw, path, allowed)

    def children(items: object, sub: str) -> list[Condition] | None:
        if not isinstance(items, list) or not items:
            reader.error(path, f"{sub} needs a non-empty list, got {items!r}", sub)
            return None
        parsed = [
            _parse_condition(reader, c, f"{path}.{sub}[{i}]", known) for i, c in enumerate(items)
        ]
        return None if any(p is None for p in parsed) else [p for p in parsed if p is not None]

    if node in ("all_of", "any_of"):
        kids = children(raw[node], node)
        if kids is None:
            return None
        return AllOf(children=kids) if node == "all_of" else AnyOf(children=kids)
    if node == "at_least":
        k = raw["at_least"]
        kids = children(raw.get("of"), "of")
        if not isinstance(k, int) or isinstance(k, bool) or kids is None or not 1 <= k <= len(kids):
            if kids is not None:
                reader.error(
                    path, f"at_least needs an integer k between 1 and {len(kids)}, got {k!r}"
                )
            return None
        return AtLeast(k=k, children=kids)
    if node == "not":
        child = _parse_condition(reader, raw["not"], f"{path}.not", known)
        return None if child is None else Not(child=child)
    gate = raw["when"]
    then = _parse_condition(reader, raw.get("then"), f"{path}.then", known)
    if not isinstance(gate, str) or gate not in known:
        reader.error(
            path, f"'when' must name a yes/no indicator{_did_you_mean(str(gate), known)}", "when"
        )
        return None
    return None if then is None else When(applies=gate, then=then)


def _parse_threshold(  # noqa: PLR0912 - a validator checks each rule of the format in turn
    reader: _Reader, raw: Mapping[str, Any], path: str, kind: IndicatorKind | None, selector: str
) -> Threshold | None:
    reader.check_keys(raw, path, _THRESHOLD_KEYS)
    citation = reader.citation(raw, path)
    provenance = reader.provenance(raw, path)
    value: Fraction | bool | None = None
    relative = None
    if "value" in raw and "relative_to" in raw:
        reader.error(path, "give either 'value' or 'relative_to', not both")
    elif "relative_to" in raw:
        relative = _parse_relative(reader, raw["relative_to"], f"{path}.relative_to")
    elif "value" not in raw:
        reader.error(
            path, "missing required key (a threshold needs 'value' or 'relative_to')", "value"
        )
    elif kind is IndicatorKind.BOOLEAN:
        if not isinstance(raw["value"], bool):
            reader.error(
                path, f"a yes/no indicator needs true or false, got {raw['value']!r}", "value"
            )
        else:
            value = raw["value"]
    else:
        value = _exact_number(raw["value"])
        if value is None:
            reader.error(path, f"expected a number, got {raw['value']!r}", "value")
        elif kind is IndicatorKind.RATIO and not 0 <= value <= 100:
            reader.error(
                path,
                f"a ratio threshold is a percent between 0 and 100, got {raw['value']!r}",
                "value",
            )
        elif value < 0:
            # Every numeric indicator of the NTM and OCOP sets is an amount, a count or a
            # score: a negative level can only be a typing slip.
            reader.error(path, f"a threshold is not negative, got {raw['value']!r}", "value")
    region = reader.enum(raw, path, "region", Region.from_text, required=False)
    group = reader.enum(raw, path, "group", CommuneGroup.from_text, required=False)
    year = reader.get(raw, path, "year", int, required=False)
    commune_kind = reader.get(raw, path, "commune_kind", str, required=False)
    if region is not None and selector != "region":
        reader.error(
            path, f"this rule set's thresholds vary by {selector!r}, not by region", "region"
        )
    if group is not None and selector != "group":
        reader.error(
            path, f"this rule set's thresholds vary by {selector!r}, not by group", "group"
        )
    if citation is None or provenance is None or (value is None and relative is None):
        return None
    return Threshold(
        value=value,
        relative_to=relative,
        region=region,
        group=group,
        year=year,
        commune_kind=commune_kind,
        citation=citation,
        provenance=provenance,
        source=raw.get("source"),
        note=raw.get("note"),
        origin=reader.source,
    )


def check_threshold(
    data: Mapping[str, Any], *, kind: IndicatorKind, selector: str, source: str
) -> tuple[Threshold | None, list[RuleDefinitionError]]:
    """Check one threshold's data exactly as a rule file's would be checked.

    Threshold sheets use this so that a sheet row is held to the rules of the
    format before it is layered on, and a problem can be named by the row and
    column instead of by a path inside merged rule data.

    Returns:
        The threshold (``None`` if it has problems) and the problems, each with
        the offending key in :attr:`RuleDefinitionError.key`.
    """
    reader = _Reader(source=source)
    threshold = _parse_threshold(reader, data, "threshold", kind, selector)
    return (threshold if not reader.errors else None), reader.errors


def _parse_relative(reader: _Reader, raw: object, path: str) -> RelativeThreshold | None:
    if not isinstance(raw, dict):
        reader.error(path, f"expected a table, got {raw!r}")
        return None
    reader.check_keys(raw, path, {"key", "indicator", "factor"})
    key = reader.get(raw, path, "key", str)
    indicator = reader.get(raw, path, "indicator", str)
    factor = _exact_number(raw.get("factor"))
    if factor is None or factor <= 0:
        reader.error(path, f"factor must be a positive number, got {raw.get('factor')!r}", "factor")
    if key is None or indicator is None or factor is None or factor <= 0:
        return None
    return RelativeThreshold(key=key, indicator=indicator, factor=factor)


def _check_unit(reader: _Reader, unit: object, kind: IndicatorKind | None, path: str) -> str | None:
    """The indicator's unit must parse and fit its kind."""
    from ntm_core.units import parse_unit

    if kind is IndicatorKind.BOOLEAN:
        if unit is not None:
            reader.error(path, "a yes/no indicator has no unit", "unit")
        return None
    if not isinstance(unit, str) or not unit.strip():
        reader.error(
            path, "missing required key (numeric and ratio indicators need a unit)", "unit"
        )
        return None
    try:
        parsed = parse_unit(unit)
    except ValueError as err:
        reader.error(path, str(err), "unit")
        return None
    if kind is IndicatorKind.RATIO and parsed != parse_unit("percent"):
        reader.error(path, f"a ratio indicator is measured in percent, not {unit!r}", "unit")
        return None
    return unit


def _parse_indicator(  # noqa: PLR0912 - a validator checks each rule of the format in turn
    reader: _Reader, raw: Mapping[str, Any], path: str, selector: str
) -> Indicator | None:
    reader.check_keys(raw, path, _INDICATOR_KEYS)
    key = reader.get(raw, path, "key", str)
    if key is not None and not (key.isidentifier() and key == key.lower()):
        reader.error(path, f"indicator keys are snake_case identifiers, got {key!r}", "key")
    code = reader.get(raw, path, "code", str)
    name_vi = reader.get(raw, path, "name_vi", str)
    name_en = reader.get(raw, path, "name_en", str)
    kind = reader.enum(raw, path, "kind", IndicatorKind)
    comparator = reader.enum(raw, path, "comparator", Comparator)
    unit = _check_unit(reader, raw.get("unit"), kind, path) if kind is not None else None
    if kind is IndicatorKind.BOOLEAN and comparator not in (None, Comparator.EQ):
        reader.error(
            path,
            f"a yes/no indicator is compared with '==', not {comparator.value!r}",
            "comparator",
        )
    if kind in (IndicatorKind.NUMERIC, IndicatorKind.RATIO) and comparator is Comparator.EQ:
        reader.error(
            path, "a numeric or ratio indicator needs >=, <=, > or <, not '=='", "comparator"
        )
    aggregate = None
    if "aggregate" in raw:
        agg = raw["aggregate"]
        sub = f"{path}.aggregate"
        if not isinstance(agg, dict):
            reader.error(path, f"expected a table, got {agg!r}", "aggregate")
        else:
            reader.check_keys(agg, sub, {"of", "tier", "also"})
            of = reader.enum(agg, sub, "of", RuleLevel.from_text)
            tier = reader.enum(agg, sub, "tier", Tier.from_text)
            also = _parse_also(reader, agg.get("also", []), sub)
            if of is not None and tier is not None and also is not None:
                aggregate = Aggregate(of=of, tier=tier, also=also)
            if kind is not None and kind is not IndicatorKind.RATIO:
                reader.error(
                    path, "an aggregate indicator is a ratio (share of child units)", "kind"
                )
    raw_thresholds = raw.get("thresholds", [])
    thresholds = []
    if not isinstance(raw_thresholds, list):
        reader.error(path, "expected an array of tables", "thresholds")
        raw_thresholds = []
    for i, t in enumerate(raw_thresholds):
        sub = f"{path}.thresholds[{i}]"
        if not isinstance(t, dict):
            reader.error(sub, f"expected a table, got {t!r}")
            continue
        parsed = _parse_threshold(reader, t, sub, kind, selector)
        if parsed is not None:
            thresholds.append(parsed)
    for i, a in enumerate(thresholds):
        for b in thresholds[i + 1 :]:
            if a.same_selectors(b):
                reader.error(
                    path, f"two thresholds for the same selectors {a.selectors() or 'general'}", key
                )
    if None in (key, code, name_vi, name_en, kind, comparator):
        return None
    return Indicator(
        key=key,
        code=code,
        name_vi=name_vi,
        name_en=name_en,
        kind=kind,
        unit=unit,
        comparator=comparator,
        thresholds=thresholds,
        aggregate=aggregate,
        note=raw.get("note"),
    )


def _parse_also(reader: _Reader, raw: object, path: str) -> list[Aggregate] | None:
    """The further ``(of, tier)`` pairs of an aggregate (``also = [{of = "town", …}]``)."""
    if not isinstance(raw, list):
        reader.error(path, f"expected an array of tables, got {raw!r}", "also")
        return None
    out: list[Aggregate] | None = []
    for i, item in enumerate(raw):
        sub = f"{path}.also[{i}]"
        if not isinstance(item, dict):
            reader.error(sub, f"expected a table, got {item!r}")
            out = None
            continue
        reader.check_keys(item, sub, {"of", "tier"})
        of = reader.enum(item, sub, "of", RuleLevel.from_text)
        tier = reader.enum(item, sub, "tier", Tier.from_text)
        if of is None or tier is None or out is None:
            out = None
            continue
        out.append(Aggregate(of=of, tier=tier))
    return out


def _check_targets(reader: _Reader, criteria: list[Criterion], purpose: str) -> None:
    """Targets are for a year, and only targets count several levels in one share."""
    for criterion in criteria:
        for indicator in criterion.indicators:
            where = f"criteria[{criterion.code}].{indicator.key}"
            agg = indicator.aggregate
            if purpose != "targets" and agg is not None and agg.also:
                reader.error(
                    where,
                    'only a targets rule set (tier = "targets") counts several levels in one '
                    "share ('also')",
                    "also",
                )
            if purpose == "targets" and agg is None:
                reader.error(
                    where,
                    "a target is a share of child units: give aggregate = {of = …, tier = …}",
                    "aggregate",
                )
            if purpose == "targets" and any(t.year is None for t in indicator.thresholds):
                reader.error(
                    where, "a target threshold needs the year it is for (year = 2025)", "year"
                )


def _parse_criteria(reader: _Reader, data: Raw, selector: str) -> list[Criterion]:  # noqa: PLR0912 - see _parse_indicator
    raw_criteria = data.get("criteria", [])
    if not isinstance(raw_criteria, list):
        reader.error("criteria", "expected an array of tables")
        return []
    parsed: list[tuple[Raw, str, str | None, str | None, str | None, list[Indicator]]] = []
    seen_keys: dict[str, str] = {}
    seen_codes: set[str] = set()
    for i, raw in enumerate(raw_criteria):
        path = f"criteria[{i}]"
        if not isinstance(raw, dict):
            reader.error(path, f"expected a table, got {raw!r}")
            continue
        reader.check_keys(raw, path, _CRITERION_KEYS)
        code = reader.get(raw, path, "code", str)
        if code in seen_codes:
            reader.error(path, f"criterion {code!r} is defined twice", "code")
        seen_codes.add(code)
        indicators = []
        for j, ind in enumerate(raw.get("indicators", [])):
            sub = f"{path}.indicators[{j}]"
            if not isinstance(ind, dict):
                reader.error(sub, f"expected a table, got {ind!r}")
                continue
            indicator = _parse_indicator(reader, ind, sub, selector)
            if indicator is None:
                continue
            if indicator.key in seen_keys:
                reader.error(
                    sub, f"indicator key already used in {seen_keys[indicator.key]}", indicator.key
                )
            seen_keys[indicator.key] = path
            indicators.append(indicator)
        parsed.append(
            (
                raw,
                path,
                code,
                reader.get(raw, path, "name_vi", str),
                reader.get(raw, path, "name_en", str),
                indicators,
            )
        )
    criteria = []
    known = set(seen_keys)
    for raw, path, code, name_vi, name_en, indicators in parsed:
        condition: Condition | None = None
        if "condition" in raw:
            condition = _parse_condition(reader, raw["condition"], f"{path}.condition", known)
            if condition is None:
                continue
        if code is None or name_vi is None or name_en is None:
            continue
        if not indicators and condition is None:
            reader.error(path, "a criterion needs at least one indicator", "indicators")
            continue
        fields: dict[str, Any] = {
            "code": code, "name_vi": name_vi, "name_en": name_en, "indicators": indicators,
            "group": raw.get("group"),
        }  # fmt: skip
        if condition is not None:
            fields["condition"] = condition
        criteria.append(Criterion(**fields))
    return criteria


def _parse_ocop(reader: _Reader, data: Raw) -> OcopScheme | None:
    parts = []
    for i, raw in enumerate(data.get("parts", [])):
        path = f"parts[{i}]"
        reader.check_keys(
            raw,
            path,
            {"code", "name_vi", "name_en", "max", "provenance", "citation", "note", "source"},
        )
        code, name_vi = reader.get(raw, path, "code", str), reader.get(raw, path, "name_vi", str)
        name_en, maximum = reader.get(raw, path, "name_en", str), reader.get(raw, path, "max", int)
        citation, provenance = reader.citation(raw, path), reader.provenance(raw, path)
        if (
            citation is not None
            and provenance is not None
            and None not in (code, name_vi, name_en, maximum)
        ):
            parts.append(OcopPart(code=code, name_vi=name_vi, name_en=name_en, max=maximum,
                                  citation=citation, provenance=provenance))  # fmt: skip
    stars = []
    for i, raw in enumerate(data.get("stars", [])):
        path = f"stars[{i}]"
        reader.check_keys(
            raw,
            path,
            {
                "stars",
                "min_score",
                "certified",
                "certifier",
                "provenance",
                "citation",
                "note",
                "source",
            },
        )
        n = reader.get(raw, path, "stars", int)
        min_score = _exact_number(raw.get("min_score"))
        if min_score is None:
            reader.error(path, f"expected a number, got {raw.get('min_score')!r}", "min_score")
        certified = reader.get(raw, path, "certified", bool)
        certifier = reader.get(raw, path, "certifier", str, required=False)
        citation, provenance = reader.citation(raw, path), reader.provenance(raw, path)
        if (
            min_score is not None
            and citation is not None
            and provenance is not None
            and None not in (n, certified)
        ):
            stars.append(
                OcopStarBand(
                    stars=n,
                    min_score=min_score,
                    certified=certified,
                    certifier=certifier,
                    citation=citation,
                    provenance=provenance,
                )
            )
    if not parts:
        reader.error("parts", "an OCOP rating edition needs its parts")
    if not stars:
        reader.error("stars", "an OCOP rating edition needs its star bands")
    total = sum(p.max for p in parts)
    if parts and total != 100:
        reader.error("parts", f"part maxima must add up to 100, they add up to {total}")
    validity = data.get("validity", {})
    reader.check_keys(validity, "validity", {"months", "provenance", "citation", "note", "source"})
    months = reader.get(validity, "validity", "months", int, required=False) if validity else None
    v_citation = reader.citation(validity, "validity") if validity else None
    v_provenance = reader.provenance(validity, "validity") if validity else None
    groups: dict[str, tuple[str, str]] = {}
    for i, raw in enumerate(data.get("groups", [])):
        path = f"groups[{i}]"
        reader.check_keys(raw, path, {"code", "name_vi", "name_en", "note"})
        code = reader.get(raw, path, "code", str)
        name_vi, name_en = (
            reader.get(raw, path, "name_vi", str),
            reader.get(raw, path, "name_en", str),
        )
        if code is not None and name_vi is not None and name_en is not None:
            groups[code] = (name_vi, name_en)
    return OcopScheme(
        parts=tuple(parts),
        stars=tuple(sorted(stars, key=lambda s: s.min_score, reverse=True)),
        validity_months=months,
        validity_citation=v_citation,
        validity_provenance=v_provenance,
        groups=groups,
    )


def _parse_revocation(reader: _Reader, data: Raw) -> list[RevocationRule]:
    raw = data.get("revocation", {})
    reader.check_keys(raw, "revocation", {"rules", "note"})
    rules = []
    for i, item in enumerate(raw.get("rules", [])):
        path = f"revocation.rules[{i}]"
        reader.check_keys(
            item,
            path,
            {
                "level", "min_share_not_met", "max_share_not_met", "requires_one_of",
                "min_share_children_revoked", *_META,
            },
        )  # fmt: skip
        level = reader.enum(item, path, "level", RuleLevel.from_text)
        children = "min_share_children_revoked" in item
        field = "min_share_children_revoked" if children else "min_share_not_met"
        low = _exact_number(item.get(field))
        high = _exact_number(item["max_share_not_met"]) if "max_share_not_met" in item else None
        if low is None or not 0 <= low <= 100:
            reader.error(path, f"expected a percent, got {item.get(field)!r}", field)
            low = None
        if children and "min_share_not_met" in item:
            reader.error(
                path,
                "a rule is on unmet criteria or on revoked children, not both",
                "min_share_children_revoked",
            )
        requires = item.get("requires_one_of", [])
        if not isinstance(requires, list) or not all(isinstance(c, str) for c in requires):
            reader.error(
                path, f"expected a list of criterion codes, got {requires!r}", "requires_one_of"
            )
            requires = []
        citation, provenance = reader.citation(item, path), reader.provenance(item, path)
        if (
            level is not None
            and low is not None
            and citation is not None
            and provenance is not None
        ):
            rules.append(RevocationRule(
                level=level, min_share_not_met=None if children else low,
                min_share_children_revoked=low if children else None, max_share_not_met=high,
                requires_one_of=tuple(requires), citation=citation, provenance=provenance,
                note=item.get("note"),
            ))  # fmt: skip
    return rules


def parse_rule_data(data: Raw, source: str) -> RuleSet:
    """Parse the data of one complete rule file into a :class:`RuleSet`.

    Raises:
        InputErrors: Of :class:`RuleDefinitionError`, one per problem.
    """
    reader = _Reader(source=source)
    reader.check_keys(data, "(top level)", _TOP_KEYS)
    if data.get("schema") != SCHEMA:
        reader.error(
            "(top level)", f"expected schema = {SCHEMA!r}, got {data.get('schema')!r}", "schema"
        )
    head = data.get("ruleset")
    if not isinstance(head, dict):
        reader.error("(top level)", "missing the [ruleset] table", "ruleset")
        raise InputErrors(f"{source}: invalid rule file", reader.errors)
    reader.check_keys(head, "ruleset", _RULESET_KEYS)
    key = reader.get(head, "ruleset", "key", str)
    edition = reader.get(head, "ruleset", "edition", str)
    period = reader.get(head, "ruleset", "period", str, required=False) or edition
    valid_from = reader.get(head, "ruleset", "valid_from", dt.date)
    valid_to = reader.get(head, "ruleset", "valid_to", dt.date, required=False)
    if isinstance(valid_from, dt.datetime) or isinstance(valid_to, dt.datetime):
        reader.error("ruleset", "validity dates are dates, not date-times")
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        reader.error(
            "ruleset", f"valid_to {valid_to} must be after valid_from {valid_from}", "valid_to"
        )
    level = reader.enum(head, "ruleset", "level", RuleLevel.from_text)
    # "rating" (OCOP score sheets), "recognition" (conditions and revocation
    # of Decision 18/2022) and "targets" (Decision 263's targets for 2025) are
    # rule sets that decide no tier of their own.
    purpose = str(head["tier"]) if head.get("tier") in _PURPOSES else "tier"
    tier = None if purpose != "tier" else reader.enum(head, "ruleset", "tier", Tier.from_text)
    selector = reader.get(head, "ruleset", "selector", str, required=False) or "none"
    if selector not in ("region", "group", "none"):
        reader.error(
            "ruleset",
            "selector must be region, group or none"
            + _did_you_mean(selector, {"region", "group", "none"}),
            "selector",
        )
    title_vi = reader.get(head, "ruleset", "title_vi", str)
    title_en = reader.get(head, "ruleset", "title_en", str)
    instrument = reader.citation(head, "ruleset", key="instrument")
    reader.instrument = instrument
    overrides = []
    for i, raw in enumerate(head.get("region_override", [])):
        path = f"ruleset.region_override[{i}]"
        reader.check_keys(
            raw, path, {"commune_kinds", "region", "citation", "provenance", "note", "source"}
        )
        kinds = reader.get(raw, path, "commune_kinds", list)
        region = reader.enum(raw, path, "region", Region.from_text)
        citation, provenance = reader.citation(raw, path), reader.provenance(raw, path)
        if (
            kinds is not None
            and region is not None
            and citation is not None
            and provenance is not None
        ):
            overrides.append(
                RegionOverride(
                    commune_kinds=kinds, region=region, citation=citation, provenance=provenance
                )
            )
    criteria = _parse_criteria(reader, data, selector)
    _check_targets(reader, criteria, purpose)
    ocop = _parse_ocop(reader, data) if level is RuleLevel.PRODUCT else None
    revocation = _parse_revocation(reader, data) if "revocation" in data else []
    if level is not RuleLevel.PRODUCT and not criteria and not reader.errors:
        reader.error("criteria", "a rule set needs at least one criterion")
    if reader.errors or instrument is None:
        raise InputErrors(f"{source}: {len(reader.errors)} problem(s)", reader.errors)
    return RuleSet(
        key=key,
        edition=edition,
        period=period,
        valid_from=valid_from,
        valid_to=valid_to,
        level=level,
        tier=tier,
        purpose=RulePurpose(purpose),
        title_vi=title_vi,
        title_en=title_en,
        selector=SelectorKind(selector),
        instrument=instrument,
        criteria=criteria,
        refines=head.get("refines"),
        region_overrides=overrides,
        revocation=revocation,
        ocop=ocop,
        note=head.get("note"),
        source=source,
    )


def read_rule_file(path: Path) -> Raw:
    """Read a rule file's TOML data.

    Raises:
        InputErrors: With one :class:`RuleDefinitionError` if the file
            cannot be read or is not valid TOML.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        problem = RuleDefinitionError(f"cannot read rule file: {err}", source=str(path))
        raise InputErrors(f"{path}: unreadable", [problem]) from None


def load_rule_file(path: Path) -> RuleSet:
    """Read and parse one complete (non-overlay) rule file."""
    return parse_rule_data(read_rule_file(path), str(path))


def _same_selectors(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(a.get(s) == b.get(s) for s in _SELECTORS)


def materialise_citations(data: Raw) -> Raw:
    """A copy of a file's data where every citation names its instrument.

    Citations in a file may omit ``number`` and ``date``, which then come from
    the file's own ``[ruleset.instrument]``. Before files are layered, those
    defaults are written out so a citation keeps pointing at its own file's
    instrument.
    """
    out = copy.deepcopy(data)
    instrument = out.get("ruleset", {}).get("instrument")
    if not isinstance(instrument, dict):
        return out

    def fill(node: object) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "citation" and isinstance(value, dict):
                    if "number" not in value:
                        value["number"] = instrument.get("number")
                        for field in ("date", "annex"):
                            if field in instrument:
                                value.setdefault(field, instrument[field])
                else:
                    fill(value)
        elif isinstance(node, list):
            for item in node:
                fill(item)

    fill({k: v for k, v in out.items() if k != "ruleset"})
    fill(out.get("ruleset", {}).get("region_override", []))
    return out


def merge_overlay(base: Raw, overlay: Raw) -> Raw:
    """Layer an overlay file's data onto its base edition's data.

    The overlay's ``[ruleset]`` fields replace the base's (``refines`` is
    kept). Criteria are matched by ``code`` and indicators by ``key``: fields
    given in the overlay replace the base's, thresholds replace the base's
    threshold for the same selectors or are added. New criteria and
    indicators are appended.
    """
    merged = materialise_citations(base)
    overlay = materialise_citations(overlay)
    merged["ruleset"] = {**merged.get("ruleset", {}), **overlay.get("ruleset", {})}
    criteria: list[Raw] = merged.setdefault("criteria", [])
    for o_crit in overlay.get("criteria", []):
        target = next((c for c in criteria if c.get("code") == o_crit.get("code")), None)
        if target is None:
            criteria.append(copy.deepcopy(o_crit))
            continue
        for name, value in o_crit.items():
            if name != "indicators":
                target[name] = copy.deepcopy(value)
        indicators: list[Raw] = target.setdefault("indicators", [])
        for o_ind in o_crit.get("indicators", []):
            t_ind = next((i for i in indicators if i.get("key") == o_ind.get("key")), None)
            if t_ind is None:
                indicators.append(copy.deepcopy(o_ind))
                continue
            for name, value in o_ind.items():
                if name != "thresholds":
                    t_ind[name] = copy.deepcopy(value)
            thresholds: list[Raw] = t_ind.setdefault("thresholds", [])
            for o_thr in o_ind.get("thresholds", []):
                thresholds[:] = [t for t in thresholds if not _same_selectors(t, o_thr)]
                thresholds.append(copy.deepcopy(o_thr))
    return merged
