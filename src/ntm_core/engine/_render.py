"""Render an assessment as text, in English or Vietnamese."""

from __future__ import annotations

from fractions import Fraction

from ntm_core._core.vocabulary import Outcome
from ntm_core.engine._assessment import Assessment, CheckResult, RungResult, _number_text

__all__ = ["render_text"]

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


def _value(value: Fraction | bool | None, unit: str | None, lang: str) -> str:  # noqa: FBT001
    words = _WORDS[lang]
    if value is None:
        return words["not_observed"]
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    text = _number_text(value)
    if lang == "vi":
        text = text.replace(".", ",")
    return f"{text} {unit}" if unit else text


def _check_line(item: CheckResult, lang: str) -> str:
    words = _WORDS[lang]
    name = item.name_vi if lang == "vi" else item.name_en
    observed = _value(item.observed, item.unit, lang)
    if item.threshold is None:
        detail = f"{observed}; {words['no_threshold']}"
    else:
        threshold = _value(item.threshold, item.unit, lang)
        detail = f"{observed} vs {item.comparator} {threshold}"
        if item.margin is not None and item.margin < 0:
            gap = _value(-item.margin, item.unit, lang)
            key = "short" if item.comparator in (">=", ">") else "over"
            detail += f" — {words[key]} {gap}"
    source = ""
    if item.citation is not None and item.provenance is not None:
        source = f" [{item.citation}; {item.provenance.value}]"
    return f"    {_MARK[item.outcome]} {item.code} {name}: {detail}{source}"


def _rung_lines(rung: RungResult, lang: str, *, detail: bool) -> list[str]:
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


def render_text(assessment: Assessment, *, lang: str = "en") -> str:
    """The assessment as plain text, in English (``"en"``) or Vietnamese (``"vi"``).

    The first rung not met is shown in detail: every criterion not met, with
    observed value, threshold, shortfall, citation and provenance.

    Raises:
        ValueError: If ``lang`` is not ``"en"`` or ``"vi"``.
    """
    if lang not in _WORDS:
        msg = f"lang must be 'en' or 'vi', got {lang!r}"
        raise ValueError(msg)
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
