"""What rule sets and rulebooks look like: short reprs, HTML, DataFrames.

A rule set's full content is tens of kilobytes of criteria, indicators and
thresholds; its ``repr`` says which edition it is, how many thresholds of
which provenance it has, and a fingerprint of the whole content.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ntm_core._core.display import details, html_table, short_repr, unit_text
from ntm_core._core.numbers import json_exact
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Provenance

if TYPE_CHECKING:
    from ntm_core.rules._model import Indicator, RuleSet, Threshold
    from ntm_core.rules._rulebook import Rulebook

__all__ = [
    "EDITION_COLUMNS",
    "THRESHOLD_COLUMNS",
    "book_frame",
    "book_html",
    "book_repr",
    "fingerprint",
    "rule_set_frame",
    "rule_set_html",
    "rule_set_repr",
]

THRESHOLD_COLUMNS = (
    "rule_set",
    "criterion",
    "criterion_name",
    "indicator",
    "indicator_code",
    "indicator_name",
    "kind",
    "unit",
    "comparator",
    "value",
    "value_exact",
    "region",
    "group",
    "year",
    "commune_kind",
    "provenance",
    "citation",
    "note",
)
"""The columns of :meth:`RuleSet.to_frame`, in order."""

EDITION_COLUMNS = (
    "id",
    "key",
    "edition",
    "level",
    "tier",
    "purpose",
    "valid_from",
    "valid_to",
    "instrument",
    "title",
    "criteria",
    "thresholds",
    *(p.value for p in Provenance),
)
"""The columns of :meth:`Rulebook.to_frame`, in order."""


def fingerprint(edition: RuleSet) -> str:
    """A SHA-256 of everything in the edition (criteria, thresholds, citations, notes).

    Two editions with the same fingerprint decide alike.
    """
    content = repr(attrs.astuple(edition, recurse=True))
    return "sha256:" + hashlib.sha256(content.encode("utf-8")).hexdigest()


def _counts(counts: dict[Provenance, int]) -> str:
    return "{" + ", ".join(f"{p.value} {n}" for p, n in counts.items() if n) + "}"


def rule_set_repr(edition: RuleSet) -> str:
    """``<RuleSet vn.commune.standard@2021-2025 level=commune tier=standard …>``."""
    return short_repr(
        "RuleSet",
        ("id", edition.id),
        ("level", edition.level.value),
        ("tier", edition.tier.value if edition.tier is not None else None),
        ("valid", edition.validity_text().replace(" ", "")),
        ("criteria", len(edition.criteria)),
        ("thresholds", _counts(edition.provenance_counts())),
        ("fingerprint", fingerprint(edition)[:23] + "…"),
    )


def _value(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    return float(value)  # type: ignore[arg-type]  # a Fraction


def _rows(edition: RuleSet) -> Iterable[tuple[Indicator, Threshold | None, str, str]]:
    for criterion, indicator in edition.indicators():
        thresholds: tuple[Threshold | None, ...] = indicator.thresholds or (None,)
        for threshold in thresholds:
            yield indicator, threshold, criterion.code, criterion.name_en


def rule_set_frame(edition: RuleSet) -> Any:  # noqa: ANN401 - pandas is optional
    """One row per threshold (an indicator without one: one row, value empty)."""
    pd = require("pandas", feature="RuleSet.to_frame()")
    rows = []
    for indicator, threshold, code, name in _rows(edition):
        rows.append(
            (
                edition.id,
                code,
                name,
                indicator.key,
                indicator.code,
                indicator.name_en,
                indicator.kind.value,
                indicator.unit,
                indicator.comparator.value,
                None if threshold is None else _value(threshold.value),
                None if threshold is None else json_exact(threshold.value),
                None if threshold is None or threshold.region is None else threshold.region.value,
                None if threshold is None or threshold.group is None else threshold.group.value,
                None if threshold is None else threshold.year,
                None if threshold is None else threshold.commune_kind,
                None if threshold is None else threshold.provenance.value,
                None if threshold is None else str(threshold.citation),
                None if threshold is None else threshold.note,
            )
        )
    return pd.DataFrame(rows, columns=list(THRESHOLD_COLUMNS))


def _threshold_text(threshold: Threshold | None, unit: str | None) -> str:
    if threshold is None or threshold.value is None:
        return "unknown"
    if isinstance(threshold.value, bool):
        return "yes" if threshold.value else "no"
    value = json_exact(threshold.value)
    written = unit_text(unit)
    return f"{value}{written}" if written == "%" else f"{value} {written}".rstrip()


def rule_set_html(edition: RuleSet) -> str:
    """Criteria (collapsible) → indicators → thresholds, with citations and provenance."""
    header = ["indicator", "name", "rule", "threshold", "applies to", "provenance", "citation"]
    counts = edition.provenance_counts()
    parts = [
        '<div class="ntm-ruleset">',
        (
            f"<p><strong>{html.escape(edition.id)}</strong> — {html.escape(edition.title_en)}"
            f" ({html.escape(edition.title_vi)}); {html.escape(str(edition.instrument))}; "
            f"in force {html.escape(edition.validity_text())}</p>"
        ),
        (
            f"<p>thresholds: {html.escape(_counts(counts))}; "
            "* unverified or illustrative: check against the official text</p>"
        ),
    ]
    for criterion in edition.criteria:
        rows = []
        for indicator in criterion.indicators:
            for threshold in indicator.thresholds or (None,):
                reliable = threshold is None or threshold.provenance.reliable
                rows.append(
                    [
                        indicator.code,
                        indicator.name_en,
                        indicator.comparator.value,
                        _threshold_text(threshold, indicator.unit),
                        ", ".join(f"{k}={v}" for k, v in threshold.selectors().items())
                        if threshold is not None
                        else "",
                        ""
                        if threshold is None
                        else threshold.provenance.value + ("" if reliable else "*"),
                        "" if threshold is None else str(threshold.citation),
                    ]
                )
        parts.append(details(f"{criterion.code}. {criterion.name_en}", html_table(header, rows)))
    parts.append("</div>")
    return "".join(parts)


def book_repr(book: Rulebook) -> str:
    """``<Rulebook editions=58 keys=31 scopes=ha-tinh,vn overlays=1>``."""
    editions = list(book)
    overlays = sorted({o for e in editions for o in e.overlays})
    return short_repr(
        "Rulebook",
        ("editions", len(editions)),
        ("keys", len({e.key for e in editions})),
        ("scopes", ",".join(sorted({e.key.split(".", 1)[0] for e in editions}))),
        ("overlays", len(overlays)),
    )


def _edition_row(edition: RuleSet) -> tuple[object, ...]:
    counts = edition.provenance_counts()
    return (
        edition.id,
        edition.key,
        edition.edition,
        edition.level.value,
        edition.tier.value if edition.tier is not None else None,
        edition.purpose.value,
        edition.valid_from,
        edition.valid_to,
        str(edition.instrument),
        edition.title_en,
        len(edition.criteria),
        sum(counts.values()),
        *(counts[p] for p in Provenance),
    )


def book_frame(book: Rulebook) -> Any:  # noqa: ANN401 - pandas is optional
    """One row per edition."""
    pd = require("pandas", feature="Rulebook.to_frame()")
    return pd.DataFrame([_edition_row(e) for e in book], columns=list(EDITION_COLUMNS))


def book_html(book: Rulebook) -> str:
    """Every edition: validity, instrument, and how many thresholds of each provenance."""
    header = ["edition", "level", "tier", "in force", "instrument", *(p.value for p in Provenance)]
    rows = []
    for edition in book:
        counts = edition.provenance_counts()
        rows.append(
            [
                edition.id,
                edition.level.value,
                edition.tier.value if edition.tier is not None else "",
                edition.validity_text(),
                str(edition.instrument),
                *(counts[p] for p in Provenance),
            ]
        )
    return html_table(header, rows, caption=f"{len(rows)} rule-set editions")
