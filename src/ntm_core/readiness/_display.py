"""How a readiness report shows itself: a short repr and a compact HTML display for notebooks."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ntm_core._core.display import details, html_table, outcome_mark, short_repr
from ntm_core._core.vocabulary import Outcome, Provenance, Tier
from ntm_core.readiness._render import value_text

if TYPE_CHECKING:
    from ntm_core.readiness._model import ProvinceReadiness, ProvincesReadiness

__all__ = ["readiness_repr", "readiness_repr_html", "reports_repr", "reports_repr_html"]

_SHAKY = {Provenance.UNVERIFIED, Provenance.ILLUSTRATIVE}


def _outcome(report: ProvinceReadiness) -> Outcome | None:
    assessment = report.province_assessment
    return assessment.outcome if assessment is not None else None


def _met(report: ProvinceReadiness) -> str:
    met = sum(c.outcome is Outcome.MET for c in report.conditions)
    return f"{met}/{len(report.conditions)}"


def readiness_repr(report: ProvinceReadiness) -> str:
    """``<ProvinceReadiness province=42 on=… target=2025 outcome=not_met conditions_met=6/8>``."""
    outcome = _outcome(report)
    return short_repr(
        "ProvinceReadiness",
        ("province", report.province.code),
        ("name", repr(report.province.name)),
        ("on", report.on.isoformat()),
        ("target", report.target_year),
        ("outcome", outcome.value if outcome is not None else None),
        ("conditions_met", _met(report)),
        ("communes", len(report.communes.units)),
    )


def _value(value: object, unit: str | None) -> str:
    return value_text(value, unit)


def readiness_repr_html(report: ProvinceReadiness) -> str:
    """The province's outcome, its conditions, the tiers by level and the labels, as HTML."""
    parts = [f"<div class='ntm-readiness'><strong>{html.escape(report.province.name)}</strong>"]
    outcome = _outcome(report)
    target = f", target {report.target_year}" if report.target_year else ""
    state = outcome_mark(outcome) if outcome is not None else "no province assessment"
    parts.append(
        f"<p>Rules in force on {report.on.isoformat()}, period {report.period}{target}: "
        f"province {html.escape(state)} ({_met(report)} conditions met)</p>"
    )
    rows = []
    shaky = False
    for c in report.conditions:
        star = "*" if c.provenance in _SHAKY else ""
        shaky = shaky or bool(star)
        rows.append((
            outcome_mark(c.outcome), c.code, c.name_en, _value(c.observed, c.unit),
            _value(c.threshold, c.unit) + star, c.reason or c.gap or "",
        ))  # fmt: skip
    parts.append(
        html_table(
            ("", "Code", "Condition", "Observed", "Needs", "Gap"), rows, caption="Conditions"
        )
    )
    if shaky:
        parts.append("<p>* threshold unverified or illustrative: the outcome is provisional</p>")
    level_rows = []
    for level, result in report.levels.items():
        if result.batch is None:
            continue
        reached = ", ".join(
            f"{t.label('en')} {int(result.at_least(t).sum())}"
            for t in result.batch.ladder.tiers
            if t is not Tier.NOT_YET
        )
        unknown = sum(t is None for t in result.tiers())
        level_rows.append((level.value, len(result.units), reached, unknown))
    parts.append(
        html_table(
            ("Level", "Units", "At least", "Tier unknown"), level_rows, caption="Tiers by level"
        )
    )
    citations = sorted({str(c.citation) for c in report.conditions if c.citation})
    if citations:
        items = "".join(f"<li>{html.escape(c)}</li>" for c in citations)
        parts.append(details("Citations", f"<ul>{items}</ul>"))
    labels = report.labels
    if labels.synthetic:
        parts.append("<p><strong>SYNTHETIC values</strong> (a sample, not measured data)</p>")
    if labels.illustrative:
        items = "".join(f"<li>{html.escape(str(n))}</li>" for n in labels.illustrative)
        parts.append(
            details(
                f"Illustrative thresholds used: {len(labels.illustrative)}", f"<ul>{items}</ul>"
            )
        )
    if labels.overridden:
        items = "".join(f"<li>{html.escape(str(n))}</li>" for n in labels.overridden)
        parts.append(
            details(
                f"Thresholds overridden by a sheet: {len(labels.overridden)}", f"<ul>{items}</ul>"
            )
        )
    parts.append("</div>")
    return "".join(parts)


def reports_repr(reports: ProvincesReadiness) -> str:
    """``<ProvincesReadiness provinces=2 codes=42,40>``."""
    codes = ",".join(reports.reports)
    return short_repr("ProvincesReadiness", ("provinces", len(reports.reports)), ("codes", codes))


def reports_repr_html(reports: ProvincesReadiness) -> str:
    """One row per province: its outcome and the conditions met."""
    rows = []
    for code, report in reports.reports.items():
        outcome = _outcome(report)
        rows.append((
            code, report.province.name, report.on.isoformat(),
            outcome_mark(outcome) if outcome is not None else "", _met(report),
        ))  # fmt: skip
    return html_table(
        ("Code", "Province", "Rules on", "Outcome", "Conditions met"),
        rows,
        caption="Readiness by province",
    )
