"""Render an edition as a Markdown page (used for the generated reference docs)."""

from __future__ import annotations

from ntm_core._core.display import markdown_cell as _cell
from ntm_core._core.vocabulary import Provenance
from ntm_core.rules._model import Indicator, RuleSet, Threshold

__all__ = ["ruleset_markdown"]


def _value(threshold: Threshold, indicator: Indicator) -> str:
    value = threshold.value
    if isinstance(value, bool):
        return "Đạt" if value else "không đạt"
    if value is None:
        return "?"
    shown = str(value.numerator) if value.denominator == 1 else format(float(value), "g")
    return f"{indicator.comparator.value} {shown}" + (
        f" {indicator.unit}" if indicator.unit else ""
    )


def ruleset_markdown(edition: RuleSet) -> str:
    """A Markdown (MyST) page: criteria in both languages, thresholds, citations, provenance."""
    counts = edition.provenance_counts()
    tier = edition.tier.value if edition.tier else edition.purpose.value
    lines = [
        f"# {edition.id}",
        "",
        f"**{_cell(edition.title_vi)}** — {_cell(edition.title_en)}",
        "",
        f"- In force: {edition.validity_text()}",
        f"- Instrument: {_cell(edition.instrument)}",
        f"- Level and tier: {edition.level.value}, {tier}",
        f"- Thresholds vary by: {edition.selector.value}",
        "- Thresholds by provenance: " + ", ".join(f"{counts[p]} {p.value}" for p in Provenance),
    ]
    if edition.refines:
        lines.append(f"- Refines: `{edition.refines}`")
    if edition.note:
        lines += ["", f"> {_cell(edition.note)}"]
    for override in edition.region_overrides:
        kinds = ", ".join(sorted(override.commune_kinds))
        lines += [
            "",
            (
                f"Communes of kind {kinds} use the {override.region.value} level "
                f"({_cell(override.citation)})."
            ),
        ]
    if edition.criteria:
        lines += [
            "",
            "## Criteria",
            "",
            "| Code | Tiêu chí | Criterion | Indicators |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {c.code} | {_cell(c.name_vi)} | {_cell(c.name_en)} | {len(c.indicators)} |"
            for c in edition.criteria
        ]
        lines += [
            "",
            "## Indicators and thresholds",
            "",
            (
                "| Code | Key | Chỉ tiêu | Indicator | Threshold | Applies to | Provenance "
                "| Citation |"
            ),
            "|---|---|---|---|---|---|---|---|",
        ]
        for _, indicator in edition.indicators():
            names = f"{_cell(indicator.name_vi)} | {_cell(indicator.name_en)}"
            head = f"| {indicator.code} | `{indicator.key}` | {names} "
            if not indicator.thresholds:
                lines.append(head + "| unknown | | | |")
            for t in indicator.thresholds:
                applies = ", ".join(f"{k} {v}" for k, v in t.selectors().items()) or "all"
                lines.append(
                    head
                    + f"| {_cell(_value(t, indicator))} | {_cell(applies)} "
                    + f"| {t.provenance.value} | {_cell(t.citation)} |"
                )
    if edition.ocop is not None:
        lines += [
            "",
            "## Score sheet",
            "",
            "| Part | Phần | Part (en) | Maximum |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {p.code} | {_cell(p.name_vi)} | {_cell(p.name_en)} | {p.max} |"
            for p in edition.ocop.parts
        ]
        lines += [
            "",
            "| Stars | From score | Certified | Certifier | Provenance |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {s.stars} | {s.min_score} | {'yes' if s.certified else 'no'} "
            f"| {s.certifier or ''} | {s.provenance.value} |"
            for s in edition.ocop.stars
        ]
        if edition.ocop.validity_months:
            lines += ["", f"Certificates are valid for {edition.ocop.validity_months} months."]
    return "\n".join(lines) + "\n"
