"""Render a province readiness report: a screen of text, JSON, Markdown or HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ntm_core._core.display import Lang, check_lang, markdown_cell, unit_text
from ntm_core._core.numbers import number_text
from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier

if TYPE_CHECKING:
    from ntm_core.readiness._conditions import ConditionStatus
    from ntm_core.readiness._gaps import CriterionFailures
    from ntm_core.readiness._model import ProvinceReadiness
    from ntm_core.readiness._targets import ProgramTargets
    from ntm_core.readiness._year import YearResults

__all__ = [
    "focus_rung",
    "outcome_note",
    "readiness_html",
    "readiness_markdown",
    "readiness_text",
    "readiness_to_dict",
    "value_text",
]

_MARK = {Outcome.MET: "✓", Outcome.NOT_MET: "✗", Outcome.UNKNOWN: "?", Outcome.NOT_APPLICABLE: "–"}


def _num(value: object, unit: str | None = None, *, lang: Lang = "en") -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return _w("yes" if value else "no", lang)
    text = number_text(value, places=1) if isinstance(value, Fraction) else str(value)
    if unit == "percent":
        return f"{text}%"
    return f"{text} {unit_text(unit, lang=lang)}" if unit else text


def value_text(value: object, unit: str | None = None, *, lang: Lang = "en") -> str:
    """A condition's value with its unit as the report writes it (``4.4 m²/person``, ``yes``)."""
    return _num(value, unit, lang=lang)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def readiness_to_dict(
    report: ProvinceReadiness,
    *,
    ocop: Mapping[str, Any] | None = None,
    year: YearResults | None = None,
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
        "conditions_on": report.conditions_on.isoformat() if report.conditions_on else None,
        "tier": (province.tier.value if province.tier else "unknown")
        if province is not None
        else None,
        "outcome": province.outcome.value if province is not None else None,
        "outcome_note": report.outcome_note(),
        "conditions": [c.to_dict() for c in report.conditions],
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
        "program_targets": (
            report.program_targets.to_dict() if report.program_targets is not None else None
        ),
        "provisional_decisions": report.provenance_summary(),
        "rules": list(report.rules),
        "rules_hash": report.rules_hash,
    }
    if ocop is not None:
        data["ocop"] = dict(ocop)
    if year is not None:
        data["year_results"] = year.to_dict()
    return data


def _ranking_rungs(report: ProvinceReadiness) -> list[int]:
    batch = report.communes.batch
    return list(range(len(batch.ladder.rungs))) if batch is not None else []


def focus_rung(report: ProvinceReadiness) -> int:
    """The first commune rung some commune still fails."""
    for rung in _ranking_rungs(report):
        if any(r.not_met for r in report.criteria_ranking(rung)):
            return rung
    return 0


# Every phrase the text, Markdown and HTML renderers write, in English and Vietnamese.
_WORDS: dict[str, tuple[str, str]] = {
    "readiness_for": ("readiness for {year}", "mức độ sẵn sàng cho mục tiêu năm {year}"),
    "readiness": ("readiness", "mức độ sẵn sàng"),
    "data": (
        "Data: period {period}; rules in force on {on}",
        "Dữ liệu: kỳ {period}; quy định có hiệu lực ngày {on}",
    ),
    "conditions_of": (
        "; province conditions of {year} (in force on {day})",
        "; điều kiện của tỉnh năm {year} (có hiệu lực ngày {day})",
    ),
    "md_conditions_of": (
        " Province conditions of {year} (in force on {day}).",
        " Điều kiện của tỉnh năm {year} (có hiệu lực ngày {day}).",
    ),
    "unknown": ("unknown", "chưa rõ"),
    "not_completed": ("NTM task not yet completed", "chưa hoàn thành nhiệm vụ xây dựng NTM"),
    "province": (
        "Province: {tier} — {met} of {total} conditions met, {unknown} unknown{idle} ({edition})",
        "Tỉnh: {tier} — đạt {met}/{total} điều kiện, {unknown} chưa rõ{idle} ({edition})",
    ),
    "idle": (", {n} not applicable", ", {n} không áp dụng"),
    "note": ("  Note: {note}.", "  Ghi chú: {note}."),
    "needs": ("needs", "cần"),
    "not_applicable": ("not applicable", "không áp dụng"),
    "communes_line": (
        "Communes ({n}): {tiers}; tier unknown {unknown}",
        "Xã ({n}): {tiers}; chưa rõ hạng {unknown}",
    ),
    "all_unknown": (
        (
            "  Note: no commune's tier can be decided from period {period} on the units of "
            "{on}; if a reform replaced the units the data describe, carry the "
            "results across it (how-to: carry results across administrative reforms)."
        ),
        (
            "  Ghi chú: không xác định được hạng của xã nào từ số liệu kỳ {period} trên các "
            "đơn vị ngày {on}; nếu sắp xếp đơn vị hành chính đã thay các đơn vị mà số liệu mô "
            "tả, hãy chuyển kết quả sang đơn vị mới (hướng dẫn: chuyển kết quả qua sắp xếp đơn "
            "vị hành chính)."
        ),
    ),
    "bands": (
        "  criteria met (of {total}): {bands}; average {mean}",
        "  số tiêu chí đạt (trên {total}): {bands}; trung bình {mean}",
    ),
    "districts": ("Districts", "Huyện"),
    "towns": ("Towns and cities", "Thị xã, thành phố"),
    "blocking": ("Blocking {kind} ({n}): {units}", "Đơn vị còn thiếu — {kind} ({n}): {units}"),
    "most_failed": ("Most failed criteria ({tier}): ", "Tiêu chí chưa đạt nhiều nhất ({tier}): "),
    "missing": ("{name} ({n} missing)", "{name} (thiếu {n})"),
    "closest": ("Closest to {tier}: ", "Gần {tier} nhất: "),
    "recognition": (
        (
            "Recognition: {n} decisions on record; {m} units meet a tier above their recorded "
            "recognition"
        ),
        "Công nhận: {n} quyết định đã ghi nhận; {m} đơn vị đạt hạng cao hơn hạng đã được công nhận",
    ),
    "no_data": ("no data", "chưa có dữ liệu"),
    "target": ("Target {year}: {label}: {status}", "Mục tiêu {year}: {label}: {status}"),
    "program": (
        "Program targets ({instrument}) for {year}, region {region} ({edition}):",
        "Mục tiêu Chương trình ({instrument}) đến năm {year}, vùng {region} ({edition}):",
    ),
    "h_program": (
        "Program targets ({instrument}) for {year}",
        "Mục tiêu Chương trình ({instrument}) đến năm {year}",
    ),
    "program_line": (
        "Region {region}; rule set {edition}. A target is a share of the province's units.",
        "Vùng {region}; bộ quy định {edition}. Mỗi mục tiêu là tỷ lệ đơn vị của tỉnh.",
    ),
    "program_header": (
        "| | Code | Target | Observed | Needs | Gap | Citation | Provenance |",
        "| | Mã | Mục tiêu | Hiện trạng | Yêu cầu | Còn thiếu | Căn cứ | Nguồn gốc ngưỡng |",
    ),
    "provisional": (
        "Provisional: decisions using unverified or illustrative thresholds: {parts}",
        "Tạm tính: kết quả dùng ngưỡng chưa kiểm chứng hoặc minh họa: {parts}",
    ),
    "synthetic": (
        "Values: SYNTHETIC (a sample, not measured data).",
        "Số liệu: GIẢ LẬP (dữ liệu mẫu, không phải số liệu thực tế).",
    ),
    "illustrative_count": (
        "Illustrative thresholds: {n} used (listed in the JSON, Markdown and HTML formats)",
        "Ngưỡng minh họa: đã dùng {n} (liệt kê trong các định dạng JSON, Markdown và HTML)",
    ),
    "illustrative": ("Illustrative thresholds ({n}): ", "Ngưỡng minh họa ({n}): "),
    "overridden": (
        "Thresholds overridden by a sheet ({n}): ",
        "Ngưỡng được thay bằng bảng ngưỡng ({n}): ",
    ),
    "yes": ("yes", "có"),
    "no": ("no", "không"),
    "none": ("none", "không có"),
    # Markdown and HTML
    "title": ("{name} — NTM readiness", "{name} — mức độ sẵn sàng đạt chuẩn NTM"),
    "period": (
        "Period {period}, rules in force on {on}; target year {year}.",
        "Kỳ {period}, quy định có hiệu lực ngày {on}; năm mục tiêu {year}.",
    ),
    "h_conditions": ("Province conditions", "Điều kiện của tỉnh"),
    "conditions_header": (
        "| | Code | Condition | Observed | Needs | Gap | Citation |",
        "| | Mã | Điều kiện | Hiện trạng | Yêu cầu | Còn thiếu | Căn cứ |",
    ),
    "md_note": ("Note: {note}.", "Ghi chú: {note}."),
    "h_communes": ("Communes", "Xã"),
    "tiers_header": ("| Tier | Communes (at least) |", "| Hạng | Số xã (đạt ít nhất) |"),
    "bands_header": ("| Criteria met | Communes |", "| Số tiêu chí đạt | Số xã |"),
    "h_per_district": ("Communes per district", "Xã theo huyện"),
    "per_district": (
        "| Code | District, town or city | Communes | {tiers} | Average criteria met |",
        "| Mã | Huyện, thị xã, thành phố | Số xã | {tiers} | Số tiêu chí đạt bình quân |",
    ),
    "h_decisions": ("{level} decisions", "Kết quả cấp {level}"),
    "decisions_header": (
        "| Code | Name | Tier | Provisional |",
        "| Mã | Tên | Hạng | Tạm tính |",
    ),
    "h_blocking": ("Blocking units", "Đơn vị còn thiếu"),
    "h_ranking": ("Criteria ranked by failures", "Tiêu chí xếp theo số đơn vị chưa đạt"),
    "ranking_header": (
        "| Rung | Code | Criterion | Not met | Unknown |",
        "| Bậc | Mã | Tiêu chí | Chưa đạt | Chưa rõ |",
    ),
    "h_closest": ("Closest to the next tier", "Gần đạt hạng tiếp theo nhất"),
    "h_targets": ("Plan targets", "Mục tiêu kế hoạch"),
    "targets_header": (
        "| Year | Target | Minimum | Actual | Met |",
        "| Năm | Mục tiêu | Tối thiểu | Thực hiện | Đạt |",
    ),
    "h_unrecognised": (
        "Meets the criteria, not yet recognised",
        "Đạt tiêu chí, chưa được công nhận",
    ),
    "rules": ("Rules: {rules} ({hash})", "Quy định: {rules} ({hash})"),
}

# Level names in the Vietnamese report (the English one writes the level's value).
_LEVELS_VI = {
    "commune": "xã",
    "district": "huyện",
    "town": "thị xã, thành phố",
    "province": "tỉnh",
    "residential_area": "thôn, khu dân cư",
    "garden": "vườn",
    "product": "sản phẩm",
}
_BLOCKING_VI = {"districts": "huyện", "towns": "thị xã, thành phố", "communes": "xã"}


def _w(phrase: str, lang: Lang, **fields: object) -> str:
    text = _WORDS[phrase][0 if lang == "en" else 1]
    return text.format(**fields) if fields else text


def _level_name(level: str, lang: Lang) -> str:
    return _LEVELS_VI.get(level, level) if lang == "vi" else level


def _tier_name(value: str, lang: Lang) -> str:
    """A tier's value (``"advanced"``, ``"unknown"``) as the Markdown tables write it."""
    if lang == "en":
        return value
    return _w("unknown", lang) if value == "unknown" else Tier(value).label("vi")


def _value(value: object, unit: str | None, lang: Lang) -> str:
    if isinstance(value, bool):
        return _w("yes" if value else "no", lang)
    return _num(value, unit, lang=lang)


def _name(item: ConditionStatus | CriterionFailures, lang: Lang) -> str:
    return item.name_vi if lang == "vi" else item.name_en


def _gap_text(c: ConditionStatus, lang: Lang) -> str:
    """The gap column: the gap, or why the condition does not apply."""
    if c.reason:
        reason = (c.reason_vi or c.reason) if lang == "vi" else c.reason
        return f"{_w('not_applicable', lang)}: {reason}"
    gap = (c.gap_vi or c.gap) if lang == "vi" else c.gap
    return gap or ""


def _status_line(c: ConditionStatus, lang: Lang, *, provenance: bool = False) -> str:
    """A condition or target as a line of the text report, with its gap."""
    gap = _gap_text(c, lang)
    origin = f", {c.provenance.value}" if provenance and c.provenance else ""
    return (
        f"  {_MARK[c.outcome]} {c.code} {_name(c, lang)}: {_value(c.observed, c.unit, lang)} "
        f"({_w('needs', lang)} {_value(c.threshold, c.unit, lang)}{origin})"
        + (f"  → {gap}" if gap else "")
    )


def _status_row(c: ConditionStatus, lang: Lang, *, provenance: bool = False) -> str:
    """A condition or target as a Markdown table row (a provenance cell for targets)."""
    row = (
        f"| {_MARK[c.outcome]} | {c.code} | {markdown_cell(_name(c, lang))} | "
        f"{_value(c.observed, c.unit, lang)} | {_value(c.threshold, c.unit, lang)} | "
        f"{markdown_cell(_gap_text(c, lang))} | {markdown_cell(c.citation or '')} |"
    )
    if provenance:
        row += f" {c.provenance.value if c.provenance else ''} |"
    return row


def _conditions_of(report: ProvinceReadiness, lang: Lang, *, phrase: str = "conditions_of") -> str:
    """Which year's province conditions judged the province, when not those of ``on``."""
    if report.conditions_on is None:
        return ""
    return _w(phrase, lang, year=report.target_year, day=report.conditions_on.isoformat())


def outcome_note(report: ProvinceReadiness, lang: Lang) -> str | None:
    """:meth:`ProvinceReadiness.outcome_note` in ``lang``."""
    if lang == "en":
        return report.outcome_note()
    idle = [c for c in report.conditions if c.outcome is Outcome.NOT_APPLICABLE]
    if not idle:
        return None
    codes = ", ".join(c.code for c in idle)
    return (
        f"{len(idle)} điều kiện không áp dụng ({codes}): chúng đếm các đơn vị không tồn tại ngày "
        f"{report.on.isoformat()}, nên không được tính là đạt và không thể dựa vào chúng để xác "
        "định hạng của tỉnh"
    )


def readiness_text(  # noqa: PLR0912, PLR0915 - one section of the summary after another
    report: ProvinceReadiness,
    *,
    ocop_lines: Sequence[str] | None = None,
    lang: Lang = "en",
    year: YearResults | None = None,
) -> str:
    """A one-screen summary, in the manner of an official report's summary section."""
    lang = check_lang(lang)
    lines: list[str] = []
    target = (
        _w("readiness_for", lang, year=report.target_year)
        if report.target_year
        else _w("readiness", lang)
    )
    lines.append(f"{report.province.name} ({report.province.code}) — {target}")
    lines.append(
        _w("data", lang, period=report.period, on=report.on.isoformat())
        + _conditions_of(report, lang)
    )
    assessment = report.province_assessment
    if assessment is not None:
        met = sum(c.outcome is Outcome.MET for c in report.conditions)
        unknown = sum(c.outcome is Outcome.UNKNOWN for c in report.conditions)
        idle = sum(c.outcome is Outcome.NOT_APPLICABLE for c in report.conditions)
        if assessment.tier is None:
            tier = _w("unknown", lang)
        elif assessment.tier is Tier.NOT_YET:
            tier = _w("not_completed", lang)
        else:
            tier = assessment.tier.label(lang)
        lines.append(
            _w(
                "province",
                lang,
                tier=tier,
                met=met,
                total=len(report.conditions),
                unknown=unknown,
                idle=_w("idle", lang, n=idle) if idle else "",
                edition=assessment.rungs[0].edition,
            )
        )
        note = outcome_note(report, lang)
        if note:
            lines.append(_w("note", lang, note=note))
        lines.extend(_status_line(c, lang) for c in report.conditions)
    counts = report.commune_counts
    total = len(counts.parents) - 1
    n = int(counts.children[total])
    tiers = ", ".join(
        f"{t.label(lang)} {k} ({_pct(k, n)})"
        for t, k in zip(counts.tiers, (int(a[total]) for a in counts.at_least), strict=True)
        if t is not Tier.NOT_YET
    )
    lines.append(_w("communes_line", lang, n=n, tiers=tiers, unknown=int(counts.unknown[total])))
    if n and int(counts.unknown[total]) == n:
        lines.append(_w("all_unknown", lang, period=report.period, on=report.on.isoformat()))
    bands = " | ".join(
        f"{label}: {int(b[total])}"
        for label, b in zip(report.band_labels(), counts.bands, strict=True)
    )
    mean = counts.mean_criteria(total)
    if mean is not None:
        lines.append(
            _w("bands", lang, total=counts.criteria_total, bands=bands, mean=f"{mean:.1f}")
        )
    for level, key in ((RuleLevel.DISTRICT, "districts"), (RuleLevel.TOWN, "towns")):
        result = report.levels.get(level)
        if result is None or result.batch is None:
            continue
        reached = {t: int(result.at_least(t).sum()) for t in result.batch.ladder.tiers}
        text = ", ".join(f"{t.label(lang)} {k}" for t, k in reached.items())
        lines.append(f"{_w(key, lang)} ({len(result.units)}): {text}")
    blocking = report.blocking()
    for key in ("districts", "towns", "communes"):
        units = blocking.get(key, [])
        if units:
            shown = ", ".join(u.name for u in units[:6]) + (
                f" … (+{len(units) - 6})" if len(units) > 6 else ""
            )
            name = _BLOCKING_VI[key] if lang == "vi" else key
            lines.append(_w("blocking", lang, kind=name, n=len(units), units=shown))
    rung = focus_rung(report)
    ranking = [r for r in report.criteria_ranking(rung) if r.not_met][:5]
    batch = report.communes.batch
    if ranking and batch is not None:
        label = batch.ladder.tiers[rung].label(lang)
        lines.append(
            _w("most_failed", lang, tier=label)
            + "; ".join(f"{r.code} {_name(r, lang)} ({r.not_met})" for r in ranking)
        )
        closest = report.closest(batch.ladder.tiers[rung], limit=5)
        if closest:
            lines.append(
                _w("closest", lang, tier=label)
                + "; ".join(
                    _w("missing", lang, name=c.unit.name, n=c.criteria_missing) for c in closest
                )
            )
    unrecognised = report.meets_but_not_recognised()
    if report.recognitions or unrecognised:
        lines.append(_w("recognition", lang, n=len(report.recognitions), m=len(unrecognised)))
    for progress in report.targets:
        if progress.actual is None:
            status = _w("no_data", lang)
        else:
            status = (
                f"{progress.actual} / ≥{progress.target.minimum} {'✓' if progress.met else '✗'}"
            )
        label = progress.target.label_vi if lang == "vi" else progress.target.label_en
        lines.append(_w("target", lang, year=progress.target.year, label=label, status=status))
    lines.extend(_program_lines(report, lang))
    if ocop_lines:
        lines.extend(ocop_lines)
    shaky = report.provenance_summary()
    if any(shaky.values()):
        parts = ", ".join(f"{v} {_level_name(k, lang)}" for k, v in shaky.items() if v)
        lines.append(_w("provisional", lang, parts=parts))
    lines.extend(_label_lines(report, full=False, lang=lang))
    text = "\n".join(line for line in lines if line)
    return text if year is None else text + "\n" + "\n".join(year.lines(lang=lang))


def _program_fields(program: ProgramTargets) -> dict[str, object]:
    return {
        "instrument": program.instrument.number,
        "year": program.year,
        "region": program.region.value if program.region is not None else "?",
        "edition": program.edition,
    }


def _program_lines(report: ProvinceReadiness, lang: Lang) -> list[str]:
    """The programme targets: a heading, then one line per target with its gap."""
    program = report.program_targets
    if program is None:
        return []
    lines = [_w("program", lang, **_program_fields(program))]
    lines.extend(_status_line(c, lang, provenance=True) for c in program.targets)
    return lines


def _program_markdown(report: ProvinceReadiness, lang: Lang) -> list[str]:
    """The programme targets as a Markdown section (empty without them)."""
    program = report.program_targets
    if program is None:
        return []
    fields = _program_fields(program)
    out = [
        "",
        f"## {_w('h_program', lang, **fields)}",
        "",
        _w("program_line", lang, **fields),
        "",
        _w("program_header", lang),
        "|---|---|---|---|---|---|---|---|",
    ]
    out += [_status_row(c, lang, provenance=True) for c in program.targets]
    return out


def _label_lines(report: ProvinceReadiness, *, full: bool = True, lang: Lang = "en") -> list[str]:
    """The labels of the data and thresholds, one line each (shared by text and Markdown).

    ``full=False`` (the one-screen text) counts the illustrative thresholds
    instead of listing them; overrides are always listed.
    """
    labels = report.labels
    out = []
    if labels.synthetic:
        out.append(_w("synthetic", lang))
    if labels.illustrative and not full:
        out.append(_w("illustrative_count", lang, n=len(labels.illustrative)))
    elif labels.illustrative:
        out.append(
            _w("illustrative", lang, n=len(labels.illustrative))
            + "; ".join(str(n) for n in labels.illustrative)
        )
    if labels.overridden:
        out.append(
            _w("overridden", lang, n=len(labels.overridden))
            + "; ".join(str(n) for n in labels.overridden)
        )
    return out


def readiness_markdown(
    report: ProvinceReadiness,
    *,
    ocop: Mapping[str, Any] | None = None,
    lang: Lang = "en",
    year: YearResults | None = None,
) -> str:
    """The whole report as Markdown."""
    lang = check_lang(lang)
    data = readiness_to_dict(report, ocop=ocop)
    out = [f"# {_w('title', lang, name=data['province']['name'])}", ""]
    notice = _label_lines(report, lang=lang)
    if notice:
        out += [f"> {line}" for line in notice] + [""]
    out.append(
        _w("period", lang, period=data["period"], on=data["on"], year=data["target_year"])
        + _conditions_of(report, lang, phrase="md_conditions_of")
    )
    out += [
        "",
        f"## {_w('h_conditions', lang)}",
        "",
        _w("conditions_header", lang),
        "|---|---|---|---|---|---|---|",
    ]
    out += [_status_row(c, lang) for c in report.conditions]
    note = outcome_note(report, lang)
    if note:
        out += ["", _w("md_note", lang, note=note)]
    communes = data["communes"]
    out += ["", f"## {_w('h_communes', lang)}", "", _w("tiers_header", lang), "|---|---|"]
    out += [f"| {_tier_name(k, lang)} | {v} |" for k, v in communes["at_least"].items()]
    out += ["", _w("bands_header", lang), "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in communes["bands"].items()]
    names = {u.code: u.name for result in report.levels.values() for u in result.units}
    tiers = [t for t in report.commune_counts.tiers if t is not Tier.NOT_YET]
    out += [
        "",
        f"### {_w('h_per_district', lang)}",
        "",
        _w("per_district", lang, tiers=" | ".join(t.label(lang) for t in tiers)),
        "|---" * (4 + len(tiers)) + "|",
    ]
    for row in communes["per_district"]:
        mean = row["mean_criteria"]
        reached = " | ".join(str(row["at_least"][t.value]) for t in tiers)
        average = f"{mean:.1f}" if mean is not None else "–"
        name = markdown_cell(names.get(row["code"], ""))
        out.append(f"| {row['code']} | {name} | {row['communes']} | {reached} | {average} |")
    for level, units in data["levels"].items():
        heading = level.title() if lang == "en" else _level_name(level, lang)
        out += [
            "",
            f"## {_w('h_decisions', lang, level=heading)}",
            "",
            _w("decisions_header", lang),
            "|---|---|---|---|",
        ]
        out += [
            f"| {u['code']} | {markdown_cell(u['name'])} | {_tier_name(u['tier'], lang)} | "
            f"{_w('yes', lang) if u['provisional'] else ''} |"
            for u in units
        ]
    out += ["", f"## {_w('h_blocking', lang)}", ""]
    for key, units in data["blocking"].items():
        label = _BLOCKING_VI.get(key, key) if lang == "vi" else key
        out.append(
            f"- {label}: " + (", ".join(u["name"] for u in units) if units else _w("none", lang))
        )
    out += [
        "",
        f"## {_w('h_ranking', lang)}",
        "",
        _w("ranking_header", lang),
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {r['rung']} | {r['code']} "
        f"| {markdown_cell(r['name_vi' if lang == 'vi' else 'name_en'])} "
        f"| {r['not_met']} | {r['unknown']} |"
        for r in data["criteria_ranking"]
        if r["not_met"] or r["unknown"]
    ]
    out += ["", f"## {_w('h_closest', lang)}", ""]
    for tier, units in data["closest"].items():
        if units:
            out.append(
                f"- {_tier_name(tier, lang)}: "
                + ", ".join(f"{u['name']} ({u['criteria_missing']})" for u in units)
            )
    out += [
        "",
        f"## {_w('h_targets', lang)}",
        "",
        _w("targets_header", lang),
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {t['year']} | {t['label_vi' if lang == 'vi' else 'label_en']} | {t['minimum']} "
        f"| {t['actual'] if t['actual'] is not None else _w('no_data', lang)} "
        f"| {'' if t['met'] is None else _w('yes' if t['met'] else 'no', lang)} |"
        for t in data["targets"]
    ]
    out += _program_markdown(report, lang)
    if data["meets_but_not_recognised"]:
        out += ["", f"## {_w('h_unrecognised', lang)}", ""]
        out += [
            f"- {u['name']} ({u['code']}): {_tier_name(u['tier'], lang)}"
            for u in data["meets_but_not_recognised"]
        ]
    if ocop is not None:
        out += ["", "## OCOP", "", "```json", _short_json(ocop), "```"]
    out += ["", _w("rules", lang, rules=", ".join(data["rules"]), hash=data["rules_hash"]), ""]
    text = "\n".join(out)
    if year is not None:
        head, *rows = year.lines(lang=lang)
        text += f"\n## {head}\n\n" + "".join(f"- {r.strip()}\n" for r in rows)
    return text


def _short_json(data: Mapping[str, Any]) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


_CELL_BORDER = re.compile(r"(?<!\\)\|")  # a | not escaped by markdown_cell
_ESCAPED = re.compile(r"\\([\\|<&\[\]`])")


def _unescape(cell: str) -> str:
    """A Markdown cell's text as written before :func:`markdown_cell` escaped it."""
    return _ESCAPED.sub(r"\1", cell)


def readiness_html(  # noqa: PLR0912 - one branch per Markdown construct
    report: ProvinceReadiness,
    *,
    ocop: Mapping[str, Any] | None = None,
    lang: Lang = "en",
    year: YearResults | None = None,
) -> str:
    """The whole report as a standalone HTML page (tables from the Markdown)."""
    lang = check_lang(lang)
    body: list[str] = []
    in_table = False
    for line in readiness_markdown(report, ocop=ocop, lang=lang).splitlines():
        if line.startswith("|"):
            cells = [html.escape(_unescape(c.strip())) for c in _CELL_BORDER.split(line[1:-1])]
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
    if year is not None:
        head, *rows = year.lines(lang=lang)
        items = "".join(f"<li>{html.escape(line.strip())}</li>" for line in rows)
        body.append(f"<h2>{html.escape(head)}</h2><ul>{items}</ul>")
    title = html.escape(_w("title", lang, name=report.province.name))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
