"""Render a province readiness report: a screen of text, JSON, Markdown or HTML."""

from __future__ import annotations

import html
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ntm_core._core.numbers import number_text
from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core.readiness._model import ProvinceReadiness

__all__ = ["readiness_html", "readiness_markdown", "readiness_text", "readiness_to_dict"]

_MARK = {Outcome.MET: "✓", Outcome.NOT_MET: "✗", Outcome.UNKNOWN: "?", Outcome.NOT_APPLICABLE: "–"}


def _num(value: object, unit: str | None = None) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = number_text(value, places=1) if isinstance(value, Fraction) else str(value)
    if unit == "percent":
        return f"{text}%"
    return f"{text} {unit.replace('**2', '²').replace(' / ', '/')}" if unit else text


def _json_value(value: object) -> object:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def readiness_to_dict(
    report: ProvinceReadiness, *, ocop: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    counts = report.commune_counts
    total = len(counts.parents) - 1
    tiers = counts.tiers
    communes = {
        "total": int(counts.children[total]),
        "at_least": {t.value: int(counts.at_least[i][total]) for i, t in enumerate(tiers)},
        "unknown": int(counts.unknown[total]),
        "bands": dict(
            zip(report.band_labels(), (int(b[total]) for b in counts.bands), strict=True)
        ),
        "mean_criteria": counts.mean_criteria(total),
        "criteria_total": counts.criteria_total,
        "per_district": [
            {
                "code": code,
                "communes": int(counts.children[i]),
                "at_least": {t.value: int(counts.at_least[j][i]) for j, t in enumerate(tiers)},
                "mean_criteria": counts.mean_criteria(i),
            }
            for i, code in enumerate(counts.parents[:-1])
        ],
    }
    levels = {}
    for level, result in report.levels.items():
        levels[level.value] = [
            {
                "code": u.code,
                "name": u.name,
                "tier": t.value if t is not None else "unknown",
                "provisional": bool(p),
            }
            for u, t, p in zip(result.units, result.tiers(), result.provisional, strict=True)
        ]
    province = report.province_assessment
    labels = report.labels
    data: dict[str, Any] = {
        "schema": "ntm_core.readiness/1",
        "synthetic": labels.synthetic,
        "illustrative_thresholds": [n.to_dict() for n in labels.illustrative],
        "overridden_thresholds": [n.to_dict() for n in labels.overridden],
        "province": {"code": report.province.code, "name": report.province.name},
        "on": report.on.isoformat(),
        "period": report.period,
        "target_year": report.target_year,
        "tier": (province.tier.value if province.tier else "unknown")
        if province is not None
        else None,
        "outcome": province.outcome.value if province is not None else None,
        "outcome_note": report.outcome_note(),
        "conditions": [
            {
                "code": c.code,
                "name_vi": c.name_vi,
                "name_en": c.name_en,
                "outcome": c.outcome.value,
                "observed": _json_value(c.observed),
                "threshold": _json_value(c.threshold),
                "unit": c.unit,
                "gap": c.gap,
                "gap_units": c.gap_units,
                "citation": c.citation.to_dict() if c.citation else None,
                "provenance": c.provenance.value if c.provenance else None,
                "reason": c.reason,
            }
            for c in report.conditions
        ],
        "communes": communes,
        "levels": levels,
        "blocking": {
            k: [{"code": u.code, "name": u.name} for u in v] for k, v in report.blocking().items()
        },
        "criteria_ranking": [
            {
                "rung": rung,
                "code": r.code,
                "name_vi": r.name_vi,
                "name_en": r.name_en,
                "not_met": r.not_met,
                "unknown": r.unknown,
            }
            for rung in _ranking_rungs(report)
            for r in report.criteria_ranking(rung)
        ],
        "closest": {
            tier.value: [
                {
                    "code": c.unit.code,
                    "name": c.unit.name,
                    "criteria_missing": c.criteria_missing,
                    "relative_shortfall": round(c.shortfall, 4),
                }
                for c in report.closest(tier)
            ]
            for tier in (Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)
        },
        "recognitions": [
            {
                "unit": r.unit,
                "tier": r.tier.value,
                "decision": r.decision,
                "decision_date": r.decision_date.isoformat() if r.decision_date else None,
                "assessment_year": r.assessment_year,
            }
            for r in report.recognitions
        ],
        "meets_but_not_recognised": [
            {"code": u.code, "name": u.name, "tier": t.value}
            for u, t in report.meets_but_not_recognised()
        ],
        "targets": [
            {
                "year": p.target.year,
                "measure": p.target.measure.value,
                "minimum": p.target.minimum,
                "label_vi": p.target.label_vi,
                "label_en": p.target.label_en,
                "actual": p.actual,
                "met": p.met,
            }
            for p in report.targets
        ],
        "provisional_decisions": report.provenance_summary(),
        "rules": list(report.rules),
        "rules_hash": report.rules_hash,
    }
    if ocop is not None:
        data["ocop"] = dict(ocop)
    return data


def _ranking_rungs(report: ProvinceReadiness) -> list[int]:
    batch = report.communes.batch
    return list(range(len(batch.ladder.rungs))) if batch is not None else []


def _focus_rung(report: ProvinceReadiness) -> int:
    """The first commune rung some commune still fails."""
    for rung in _ranking_rungs(report):
        if any(r.not_met for r in report.criteria_ranking(rung)):
            return rung
    return 0


def readiness_text(  # noqa: PLR0912, PLR0915 - one section of the summary after another
    report: ProvinceReadiness, *, ocop_lines: list[str] | None = None
) -> str:
    """A one-screen summary, in the manner of an official report's summary section."""
    lines: list[str] = []
    target = f"readiness for {report.target_year}" if report.target_year else "readiness"
    lines.append(f"{report.province.name} ({report.province.code}) — {target}")
    lines.append(f"Data: period {report.period}; rules in force on {report.on.isoformat()}")
    assessment = report.province_assessment
    if assessment is not None:
        met = sum(c.outcome is Outcome.MET for c in report.conditions)
        unknown = sum(c.outcome is Outcome.UNKNOWN for c in report.conditions)
        idle = sum(c.outcome is Outcome.NOT_APPLICABLE for c in report.conditions)
        if assessment.tier is None:
            tier = "unknown"
        elif assessment.tier is Tier.NOT_YET:
            tier = "NTM task not yet completed"
        else:
            tier = assessment.tier.label("en")
        lines.append(
            f"Province: {tier} — {met} of {len(report.conditions)} conditions met, "
            f"{unknown} unknown{f', {idle} not applicable' if idle else ''} "
            f"({assessment.rungs[0].edition})"
        )
        note = report.outcome_note()
        if note:
            lines.append(f"  Note: {note}.")
        for c in report.conditions:
            gap = f"  → {c.gap}" if c.gap else ""
            if c.reason:
                gap = f"  → not applicable: {c.reason}"
            lines.append(
                f"  {_MARK[c.outcome]} {c.code} {c.name_en}: {_num(c.observed, c.unit)} "
                f"(needs {_num(c.threshold, c.unit)}){gap}"
            )
    counts = report.commune_counts
    total = len(counts.parents) - 1
    n = int(counts.children[total])
    tiers = ", ".join(
        f"{t.label('en')} {k} ({_pct(k, n)})"
        for t, k in zip(counts.tiers, (int(a[total]) for a in counts.at_least), strict=True)
        if t is not Tier.NOT_YET
    )
    lines.append(f"Communes ({n}): {tiers}; tier unknown {int(counts.unknown[total])}")
    if n and int(counts.unknown[total]) == n:
        lines.append(
            f"  Note: no commune's tier can be decided from period {report.period} on the units of "
            f"{report.on.isoformat()}; if a reform replaced the units the data describe, carry the "
            "results across it (how-to: carry results across administrative reforms)."
        )
    bands = " | ".join(
        f"{label}: {int(b[total])}"
        for label, b in zip(report.band_labels(), counts.bands, strict=True)
    )
    mean = counts.mean_criteria(total)
    lines.append(
        f"  criteria met (of {counts.criteria_total}): {bands}; average {mean:.1f}"
        if mean is not None
        else ""
    )
    for level, name in ((RuleLevel.DISTRICT, "Districts"), (RuleLevel.TOWN, "Towns and cities")):
        result = report.levels.get(level)
        if result is None or result.batch is None:
            continue
        reached = {t: int(result.at_least(t).sum()) for t in result.batch.ladder.tiers}
        text = ", ".join(f"{t.label('en')} {k}" for t, k in reached.items())
        lines.append(f"{name} ({len(result.units)}): {text}")
    blocking = report.blocking()
    for key in ("districts", "towns", "communes"):
        units = blocking.get(key, [])
        if units:
            shown = ", ".join(u.name for u in units[:6]) + (
                f" … (+{len(units) - 6})" if len(units) > 6 else ""
            )
            lines.append(f"Blocking {key} ({len(units)}): {shown}")
    rung = _focus_rung(report)
    ranking = [r for r in report.criteria_ranking(rung) if r.not_met][:5]
    batch = report.communes.batch
    if ranking and batch is not None:
        label = batch.ladder.tiers[rung].label("en")
        lines.append(
            f"Most failed criteria ({label}): "
            + "; ".join(f"{r.code} {r.name_en} ({r.not_met})" for r in ranking)
        )
        closest = report.closest(batch.ladder.tiers[rung], limit=5)
        if closest:
            lines.append(
                f"Closest to {label}: "
                + "; ".join(f"{c.unit.name} ({c.criteria_missing} missing)" for c in closest)
            )
    unrecognised = report.meets_but_not_recognised()
    if report.recognitions or unrecognised:
        lines.append(
            f"Recognition: {len(report.recognitions)} decisions on record; "
            f"{len(unrecognised)} units meet a tier above their recorded recognition"
        )
    for progress in report.targets:
        if progress.actual is None:
            status = "no data"
        else:
            status = (
                f"{progress.actual} / ≥{progress.target.minimum} {'✓' if progress.met else '✗'}"
            )
        lines.append(f"Target {progress.target.year}: {progress.target.label_en}: {status}")
    if ocop_lines:
        lines.extend(ocop_lines)
    shaky = report.provenance_summary()
    if any(shaky.values()):
        parts = ", ".join(f"{v} {k}" for k, v in shaky.items() if v)
        lines.append(f"Provisional: decisions using unverified or illustrative thresholds: {parts}")
    lines.extend(_label_lines(report, full=False))
    return "\n".join(line for line in lines if line)


def _label_lines(report: ProvinceReadiness, *, full: bool = True) -> list[str]:
    """The labels of the data and thresholds, one line each (shared by text and Markdown).

    ``full=False`` (the one-screen text) counts the illustrative thresholds
    instead of listing them; overrides are always listed.
    """
    labels = report.labels
    out = []
    if labels.synthetic:
        out.append("Values: SYNTHETIC (a sample, not measured data).")
    if labels.illustrative and not full:
        out.append(
            f"Illustrative thresholds: {len(labels.illustrative)} used "
            "(listed in the JSON, Markdown and HTML formats)"
        )
    elif labels.illustrative:
        out.append(
            f"Illustrative thresholds ({len(labels.illustrative)}): "
            + "; ".join(str(n) for n in labels.illustrative)
        )
    if labels.overridden:
        out.append(
            f"Thresholds overridden by a sheet ({len(labels.overridden)}): "
            + "; ".join(str(n) for n in labels.overridden)
        )
    return out


def readiness_markdown(report: ProvinceReadiness, *, ocop: Mapping[str, Any] | None = None) -> str:
    """The whole report as Markdown."""
    data = readiness_to_dict(report, ocop=ocop)
    out = [f"# {data['province']['name']} — NTM readiness", ""]
    notice = _label_lines(report)
    if notice:
        out += [f"> {line}" for line in notice] + [""]
    out.append(
        f"Period {data['period']}, rules in force on {data['on']}; "
        f"target year {data['target_year']}."
    )
    out += [
        "",
        "## Province conditions",
        "",
        "| | Code | Condition | Observed | Needs | Gap | Citation |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in report.conditions:
        gap = f"not applicable: {c.reason}" if c.reason else (c.gap or "")
        out.append(
            f"| {_MARK[c.outcome]} | {c.code} | {c.name_en} | {_num(c.observed, c.unit)} | "
            f"{_num(c.threshold, c.unit)} | {gap} | {c.citation or ''} |"
        )
    if data["outcome_note"]:
        out += ["", f"Note: {data['outcome_note']}."]
    communes = data["communes"]
    out += ["", "## Communes", "", "| Tier | Communes (at least) |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in communes["at_least"].items()]
    out += ["", "| Criteria met | Communes |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in communes["bands"].items()]
    names = {u.code: u.name for result in report.levels.values() for u in result.units}
    tiers = [t for t in report.commune_counts.tiers if t is not Tier.NOT_YET]
    out += [
        "",
        "### Communes per district",
        "",
        "| Code | District, town or city | Communes | "
        + " | ".join(t.label("en") for t in tiers)
        + " | Average criteria met |",
        "|---" * (4 + len(tiers)) + "|",
    ]
    for row in communes["per_district"]:
        mean = row["mean_criteria"]
        reached = " | ".join(str(row["at_least"][t.value]) for t in tiers)
        average = f"{mean:.1f}" if mean is not None else "–"
        name = names.get(row["code"], "")
        out.append(f"| {row['code']} | {name} | {row['communes']} | {reached} | {average} |")
    for level, units in data["levels"].items():
        out += [
            "",
            f"## {level.title()} decisions",
            "",
            "| Code | Name | Tier | Provisional |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {u['code']} | {u['name']} | {u['tier']} | {'yes' if u['provisional'] else ''} |"
            for u in units
        ]
    out += ["", "## Blocking units", ""]
    for key, units in data["blocking"].items():
        out.append(f"- {key}: " + (", ".join(u["name"] for u in units) if units else "none"))
    out += [
        "",
        "## Criteria ranked by failures",
        "",
        "| Rung | Code | Criterion | Not met | Unknown |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {r['rung']} | {r['code']} | {r['name_en']} | {r['not_met']} | {r['unknown']} |"
        for r in data["criteria_ranking"]
        if r["not_met"] or r["unknown"]
    ]
    out += ["", "## Closest to the next tier", ""]
    for tier, units in data["closest"].items():
        if units:
            out.append(
                f"- {tier}: " + ", ".join(f"{u['name']} ({u['criteria_missing']})" for u in units)
            )
    out += [
        "",
        "## Plan targets",
        "",
        "| Year | Target | Minimum | Actual | Met |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {t['year']} | {t['label_en']} | {t['minimum']} "
        f"| {t['actual'] if t['actual'] is not None else 'no data'} "
        f"| {'' if t['met'] is None else ('yes' if t['met'] else 'no')} |"
        for t in data["targets"]
    ]
    if data["meets_but_not_recognised"]:
        out += ["", "## Meets the criteria, not yet recognised", ""]
        out += [
            f"- {u['name']} ({u['code']}): {u['tier']}" for u in data["meets_but_not_recognised"]
        ]
    if ocop is not None:
        out += ["", "## OCOP", "", "```json", _short_json(ocop), "```"]
    out += ["", f"Rules: {', '.join(data['rules'])} ({data['rules_hash']})", ""]
    return "\n".join(out)


def _short_json(data: Mapping[str, Any]) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def readiness_html(  # noqa: PLR0912 - one branch per Markdown construct
    report: ProvinceReadiness, *, ocop: Mapping[str, Any] | None = None
) -> str:
    """The whole report as a standalone HTML page (tables from the Markdown)."""
    body: list[str] = []
    in_table = False
    for line in readiness_markdown(report, ocop=ocop).splitlines():
        if line.startswith("|"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            if set("".join(cells)) <= {"-"}:
                continue
            if not in_table:
                body.append("<table>")
                in_table = True
                body.append("<tr>" + "".join(f"<th>{c}</th>" for c in cells) + "</tr>")
            else:
                body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("### "):
            body.append(f"<h3>{html.escape(line[4:])}</h3>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("> "):
            body.append(f"<p><strong>{html.escape(line[2:])}</strong></p>")
        elif line.startswith("- "):
            body.append(f"<p>• {html.escape(line[2:])}</p>")
        elif line.strip() and not line.startswith("```"):
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    style = (
        "body{font-family:sans-serif;max-width:70em;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
    )
    title = html.escape(report.province.name)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} — NTM readiness</title>"
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
