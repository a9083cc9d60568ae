"""Render an assessment as text or as a collapsible HTML tree, in English or Vietnamese.

Units are written the way people write them (``triệu đồng/người/năm``,
``million VND/person/year``, ``21.21%``), never in pint's spelling.
"""

from __future__ import annotations

import html
from fractions import Fraction
from typing import TYPE_CHECKING

from ntm_core._core.display import Lang, check_lang, details, html_table, outcome_mark, unit_text
from ntm_core._core.numbers import number_text
from ntm_core._core.vocabulary import Outcome

if TYPE_CHECKING:
    from ntm_core.engine._assessment import Assessment, CheckResult, RungResult

__all__ = ["render_html", "render_text"]

_WORDS = {
    "en": {
        "tier": "Tier",
        "unknown_tier": "unknown (at least {tier}; missing data could change it)",
        "criteria_met": "criteria met",
        "rules": "rules in force on",
        "missing": "Missing observations",
        "provisional": "Provisional: decided with unverified or illustrative thresholds",
        "no_threshold": "threshold unknown",
        "not_observed": "not observed",
        "short": "short by",
        "over": "over the limit by",
        "needs": "Not met",
        "unknown": "Undecided",
        "recognition": "Recognition conditions",
        "yes": "yes",
        "no": "no",
        "all_met": "All rungs met.",
        "toward": "Toward",
    },
    "vi": {
        "tier": "Mức đạt",
        "unknown_tier": "chưa xác định (ít nhất {tier}; thiếu số liệu có thể thay đổi kết quả)",
        "criteria_met": "tiêu chí đạt",
        "rules": "áp dụng quy định có hiệu lực ngày",
        "missing": "Chỉ tiêu thiếu số liệu",
        "provisional": "Kết quả tạm: có ngưỡng chưa được kiểm chứng hoặc chỉ minh họa",
        "no_threshold": "chưa rõ ngưỡng",
        "not_observed": "chưa có số liệu",
        "short": "còn thiếu",
        "over": "vượt ngưỡng",
        "needs": "Chưa đạt",
        "unknown": "Chưa xác định",
        "recognition": "Điều kiện công nhận",
        "yes": "đạt",
        "no": "không đạt",
        "all_met": "Đạt tất cả các mức.",
        "toward": "Hướng tới",
    },
}

_MARK = {Outcome.MET: "✓", Outcome.NOT_MET: "✗", Outcome.UNKNOWN: "?", Outcome.NOT_APPLICABLE: "–"}
_OUTCOME = {
    "en": {
        Outcome.MET: "met",
        Outcome.NOT_MET: "not met",
        Outcome.UNKNOWN: "unknown",
        Outcome.NOT_APPLICABLE: "not applicable",
    },
    "vi": {
        Outcome.MET: "đạt",
        Outcome.NOT_MET: "chưa đạt",
        Outcome.UNKNOWN: "chưa xác định",
        Outcome.NOT_APPLICABLE: "không áp dụng",
    },
}


def _value(value: Fraction | bool | None, unit: str | None, lang: Lang) -> str:  # noqa: FBT001
    words = _WORDS[lang]
    if value is None:
        return words["not_observed"]
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    text = number_text(value, significant=6)
    if lang == "vi":
        text = text.replace(".", ",")
    written = unit_text(unit, lang=lang)
    if written == "%":
        return f"{text}%"
    return f"{text} {written}" if written else text


def _gap(item: CheckResult, lang: Lang) -> str | None:
    """``short by 4.5 million VND/person/year`` (or over the limit by), if the check falls short."""
    margin = item.margin
    if margin is None or margin >= 0:
        return None
    key = "short" if item.comparator in (">=", ">") else "over"
    return f"{_WORDS[lang][key]} {_value(-margin, item.unit, lang)}"


def _check_line(item: CheckResult, lang: Lang) -> str:
    words = _WORDS[lang]
    name = item.name_vi if lang == "vi" else item.name_en
    observed = _value(item.observed, item.unit, lang)
    if item.threshold is None:
        detail = f"{observed}; {words['no_threshold']}"
    else:
        threshold = _value(item.threshold, item.unit, lang)
        detail = f"{observed} vs {item.comparator} {threshold}"
        gap = _gap(item, lang)
        if gap is not None:
            detail += f" — {gap}"
    source = ""
    if item.citation is not None and item.provenance is not None:
        source = f" [{item.citation}; {item.provenance.value}]"
    return f"    {_MARK[item.outcome]} {item.code} {name}: {detail}{source}"


def _rung_lines(rung: RungResult, lang: Lang, *, detail: bool) -> list[str]:
    tier = rung.tier.label(lang) if rung.tier is not None else rung.edition
    head = f"  {_MARK[rung.outcome]} {tier} ({rung.edition}): {_OUTCOME[lang][rung.outcome]}"
    lines = [f"{head} — {rung.criteria_met}/{len(rung.criteria)} {_WORDS[lang]['criteria_met']}"]
    if not detail:
        return lines
    for criterion in rung.criteria:
        if criterion.outcome in (Outcome.MET, Outcome.NOT_APPLICABLE):
            continue
        name = criterion.name_vi if lang == "vi" else criterion.name_en
        lines.append(
            f"   {_MARK[criterion.outcome]} {criterion.code}. {name}: "
            f"{_OUTCOME[lang][criterion.outcome]}"
        )
        lines.extend(_check_line(c, lang) for c in criterion.checks if c.outcome is not Outcome.MET)
    return lines


def render_text(assessment: Assessment, *, lang: Lang = "en") -> str:
    """The assessment as plain text, in English (``"en"``) or Vietnamese (``"vi"``).

    The first rung not met is shown in detail: every criterion not met, with
    observed value, threshold, shortfall, citation and provenance.

    Raises:
        InputError: If ``lang`` is not ``"en"`` or ``"vi"`` (also a ``ValueError``).
    """
    lang = check_lang(lang)
    words = _WORDS[lang]
    title = f"{assessment.name} ({assessment.unit})" if assessment.name else assessment.unit
    lines = [f"{title} — {assessment.period}; {words['rules']} {assessment.on.isoformat()}"]
    if assessment.tier is None:
        tier = words["unknown_tier"].format(tier=assessment.tier_at_least.label(lang))
    else:
        tier = assessment.tier.label(lang)
    total = len(assessment.criteria)
    lines.append(
        f"{words['tier']}: {tier} — {assessment.criteria_met}/{total} {words['criteria_met']}"
    )
    focus = assessment.next_rung
    for rung in assessment.rungs:
        lines.extend(_rung_lines(rung, lang, detail=rung is focus))
        if rung is focus:
            break
    if focus is None:
        lines.append(words["all_met"])
    recognition = assessment.recognition
    if recognition is not None:
        lines.append(f"{words['recognition']}: {_OUTCOME[lang][recognition.outcome]}")
        lines.extend(_rung_lines(recognition, lang, detail=True)[1:])
    if assessment.missing:
        lines.append(
            f"{words['missing']} ({len(assessment.missing)}): {', '.join(assessment.missing)}"
        )
    if assessment.provisional:
        lines.append(words["provisional"])
    return "\n".join(lines)


_HTML_WORDS = {
    "en": {
        "indicator": "indicator",
        "observed": "observed",
        "comparator": "rule",
        "threshold": "threshold",
        "margin": "margin",
        "source": "source",
        "needs": "needs +{gap}",
        "over": "over by {gap}",
        "legend": "* provisional: the threshold is unverified or illustrative",
        "missing": "Missing observations",
        "rules": "Rules",
    },
    "vi": {
        "indicator": "chỉ tiêu",
        "observed": "số liệu",
        "comparator": "điều kiện",
        "threshold": "ngưỡng",
        "margin": "chênh lệch",
        "source": "nguồn",
        "needs": "cần thêm {gap}",
        "over": "vượt {gap}",
        "legend": "* tạm: ngưỡng chưa được kiểm chứng hoặc chỉ minh họa",
        "missing": "Chỉ tiêu thiếu số liệu",
        "rules": "Quy định",
    },
}


def _margin_text(item: CheckResult, lang: Lang) -> str:
    margin = item.margin
    if margin is None or margin >= 0:
        return ""
    gap = _value(-margin, item.unit, lang)
    key = "needs" if item.comparator in (">=", ">") else "over"
    return _HTML_WORDS[lang][key].format(gap=gap)


def _check_rows(checks: tuple[CheckResult, ...], lang: Lang) -> list[list[object]]:
    rows: list[list[object]] = []
    for item in checks:
        unreliable = item.provenance is not None and not item.provenance.reliable
        source = "; ".join(
            part
            for part in (
                str(item.citation) if item.citation else "",
                (item.provenance.value + ("*" if unreliable else "")) if item.provenance else "",
            )
            if part
        )
        rows.append(
            [
                outcome_mark(item.outcome, lang=lang),
                f"{item.code} {item.name_vi if lang == 'vi' else item.name_en}",
                _value(item.observed, item.unit, lang),
                item.comparator,
                _WORDS[lang]["no_threshold"]
                if item.threshold is None
                else _value(item.threshold, item.unit, lang),
                _margin_text(item, lang),
                source,
            ]
        )
    return rows


def _rung_html(rung: RungResult, lang: Lang, *, open_: bool) -> str:
    words = _HTML_WORDS[lang]
    header = [
        "",
        words["indicator"],
        words["observed"],
        words["comparator"],
        words["threshold"],
        words["margin"],
        words["source"],
    ]
    tier = rung.tier.label(lang) if rung.tier is not None else rung.edition
    summary = (
        f"{outcome_mark(rung.outcome, lang=lang)}: {tier} ({rung.edition}) — "
        f"{rung.criteria_met}/{len(rung.criteria)} {_WORDS[lang]['criteria_met']}"
    )
    body = "".join(
        details(
            f"{outcome_mark(c.outcome, lang=lang)}: {c.code}. "
            f"{c.name_vi if lang == 'vi' else c.name_en}",
            html_table(header, _check_rows(c.checks, lang)),
            open_=open_ and c.outcome is not Outcome.MET,
        )
        for c in rung.criteria
    )
    return details(summary, body, open_=open_)


def render_html(assessment: Assessment, *, lang: Lang = "en") -> str:
    """The assessment as a collapsible tree: rung → criteria → checks.

    Each check shows the observed value and the threshold with their unit,
    the comparator, the margin (``needs +2.1 million VND/person/year``), the
    citation and the provenance; a provenance marked ``*`` is unverified or
    illustrative. The rung the unit works toward is open.
    """
    lang = check_lang(lang)
    words = _WORDS[lang]
    hwords = _HTML_WORDS[lang]
    title = f"{assessment.name} ({assessment.unit})" if assessment.name else assessment.unit
    if assessment.tier is None:
        tier = words["unknown_tier"].format(tier=assessment.tier_at_least.label(lang))
    else:
        tier = assessment.tier.label(lang)
    if assessment.provisional:
        tier += "*"
    parts = [
        '<div class="ntm-assessment">',
        (
            f"<p><strong>{html.escape(title)}</strong> — {assessment.period}; "
            f"{html.escape(words['rules'])} {assessment.on.isoformat()}</p>"
        ),
        (
            f"<p>{html.escape(words['tier'])}: {html.escape(tier)} — "
            f"{assessment.criteria_met}/{len(assessment.criteria)} "
            f"{html.escape(words['criteria_met'])}</p>"
        ),
    ]
    focus = assessment.next_rung
    parts.extend(_rung_html(r, lang, open_=r is focus) for r in assessment.rungs)
    if assessment.recognition is not None:
        parts.append(_rung_html(assessment.recognition, lang, open_=False))
    if assessment.missing:
        parts.append(
            f"<p>{html.escape(hwords['missing'])} ({len(assessment.missing)}): "
            f"{html.escape(', '.join(assessment.missing))}</p>"
        )
    if assessment.provisional:
        parts.append(f"<p>{html.escape(hwords['legend'])}</p>")
    rules = "".join(f"<li>{html.escape(r)}</li>" for r in assessment.rules)
    parts.append(
        details(f"{hwords['rules']} ({len(assessment.rules)})", f"<ul>{rules}</ul>") + "</div>"
    )
    return "".join(parts)
