"""A readiness report as named tables: the sheets of its workbook and the frames of ``to_frame()``.

One builder, :func:`sections`, lists the report's sections as rows of plain
values (outcomes, tiers, exact fractions, text); the workbook writes them in
the reader's language with numbers as numbers, and ``to_frame()`` turns the
same rows into pandas DataFrames with snake_case columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from ntm_core._core.display import Lang, check_lang, outcome_mark, unit_text
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, Provenance, Tier
from ntm_core._core.workbook import Sheet
from ntm_core.readiness._render import outcome_note

if TYPE_CHECKING:
    from ntm_core.readiness._model import ProvinceReadiness
    from ntm_core.readiness._year import YearResults

__all__ = ["FRAMES", "Section", "combined_frames", "frames", "sections", "sheets"]

FRAMES = (
    "conditions", "communes", "levels", "closest", "criteria", "targets", "program_targets",
)  # fmt: skip
"""The names of the frames of :meth:`ProvinceReadiness.to_frame`, in order."""

_SHAKY = {Provenance.UNVERIFIED, Provenance.ILLUSTRATIVE}


def _rows(value: Sequence[Sequence[object]]) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(row) for row in value)


@attrs.frozen(kw_only=True)
class Section:
    """One table of a report: its name, titles and columns in both languages, and its rows."""

    name: str
    title: tuple[str, str]
    columns: tuple[tuple[str, str, str], ...]  # (key, English header, Vietnamese header)
    rows: tuple[tuple[object, ...], ...] = attrs.field(converter=_rows)

    def header(self, lang: Lang) -> tuple[str, ...]:
        """The column headers in ``lang``."""
        return tuple(en if lang == "en" else vi for _, en, vi in self.columns)


def _condition_rows(report: ProvinceReadiness, lang: Lang) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for c in report.conditions:
        gap = (c.gap_vi or c.gap) if lang == "vi" else c.gap
        reason = (c.reason_vi or c.reason) if lang == "vi" else c.reason
        rows.append((
            c.outcome, c.code, c.name_vi if lang == "vi" else c.name_en,
            c.observed, c.threshold, unit_text(c.unit, lang=lang) or None,
            reason or gap, str(c.citation) if c.citation else None,
            c.provenance.value if c.provenance else None,
            c.provenance in _SHAKY,
        ))  # fmt: skip
    return rows


def _commune_rows(report: ProvinceReadiness) -> tuple[list[Tier], list[tuple[object, ...]]]:
    counts = report.commune_counts
    names = {u.code: u.name for result in report.levels.values() for u in result.units}
    tiers: list[Tier] = [t for t in counts.tiers if t is not Tier.NOT_YET]
    rows: list[tuple[object, ...]] = []
    for i, code in enumerate(counts.parents):
        mean = counts.mean_criteria(i)
        rows.append((
            None if code == "total" else code,
            names.get(code, "total" if code == "total" else ""),
            int(counts.children[i]),
            *(int(counts.at_least[counts.tiers.index(t)][i]) for t in tiers),
            int(counts.unknown[i]),
            None if mean is None else round(mean, 2),
        ))  # fmt: skip
    return tiers, rows


def sections(
    report: ProvinceReadiness, *, lang: Lang = "en", year: YearResults | None = None
) -> list[Section]:
    """The report's sections, in order, with text in ``lang`` (and the year's results)."""
    lang = check_lang(lang)
    out = [
        Section(
            name="conditions",
            title=("Conditions", "Điều kiện"),
            columns=(
                ("outcome", "Outcome", "Kết quả"),
                ("code", "Code", "Mã"),
                ("condition", "Condition", "Điều kiện"),
                ("observed", "Observed", "Hiện trạng"),
                ("required", "Required", "Yêu cầu"),
                ("unit", "Unit", "Đơn vị tính"),
                ("gap", "Gap", "Còn thiếu"),
                ("citation", "Citation", "Căn cứ"),
                ("provenance", "Provenance", "Nguồn gốc ngưỡng"),
                ("provisional", "Provisional", "Tạm tính"),
            ),
            rows=_condition_rows(report, lang),
        )
    ]
    tiers, rows = _commune_rows(report)
    out.append(
        Section(
            name="communes",
            title=("Communes by district", "Xã theo huyện"),
            columns=(
                ("code", "Code", "Mã"),
                ("name", "District, town or city", "Huyện, thị xã, thành phố"),
                ("communes", "Communes", "Số xã"),
                *(
                    (f"at_least_{t.value}", f"At least {t.label('en')}", f"Ít nhất {t.label('vi')}")
                    for t in tiers
                ),
                ("unknown", "Tier unknown", "Chưa rõ hạng"),
                ("mean_criteria", "Average criteria met", "Số tiêu chí đạt bình quân"),
            ),
            rows=rows,
        )
    )
    level_rows = [
        (level.value, u.code, u.name, tier, bool(p))
        for level, result in report.levels.items()
        for u, tier, p in zip(result.units, result.tiers(), result.provisional, strict=True)
    ]
    out.append(
        Section(
            name="levels",
            title=("Units by level", "Đơn vị theo cấp"),
            columns=(
                ("level", "Level", "Cấp"),
                ("code", "Code", "Mã"),
                ("name", "Name", "Tên"),
                ("tier", "Tier", "Hạng"),
                ("provisional", "Provisional", "Tạm tính"),
            ),
            rows=level_rows,
        )
    )
    closest_rows = [
        (tier, c.unit.code, c.unit.name, c.criteria_missing, round(c.shortfall, 4))
        for tier in (Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)
        for c in report.closest(tier)
    ]
    out.append(
        Section(
            name="closest",
            title=("Closest units", "Đơn vị gần đạt"),
            columns=(
                ("tier", "Tier", "Hạng"),
                ("code", "Code", "Mã"),
                ("name", "Name", "Tên"),
                ("criteria_missing", "Criteria missing", "Số tiêu chí còn thiếu"),
                ("relative_shortfall", "Relative shortfall", "Mức thiếu tương đối"),
            ),
            rows=closest_rows,
        )
    )
    batch = report.communes.batch
    criteria_rows = (
        [
            (
                rung,
                batch.ladder.tiers[rung],
                r.code,
                r.name_vi if lang == "vi" else r.name_en,
                r.not_met,
                r.unknown,
            )
            for rung in range(len(batch.ladder.rungs))
            for r in report.criteria_ranking(rung)
        ]
        if batch is not None
        else []
    )
    out.append(
        Section(
            name="criteria",
            title=("Criteria ranking", "Xếp hạng tiêu chí"),
            columns=(
                ("rung", "Rung", "Bậc"),
                ("tier", "Tier", "Hạng"),
                ("code", "Code", "Mã"),
                ("criterion", "Criterion", "Tiêu chí"),
                ("not_met", "Communes not met", "Số xã chưa đạt"),
                ("unknown", "Communes unknown", "Số xã chưa rõ"),
            ),
            rows=criteria_rows,
        )
    )
    out.append(
        Section(
            name="targets",
            title=("Plan targets", "Mục tiêu kế hoạch"),
            columns=(
                ("year", "Year", "Năm"),
                ("target", "Target", "Mục tiêu"),
                ("minimum", "Minimum", "Tối thiểu"),
                ("actual", "Actual", "Thực hiện"),
                ("met", "Met", "Đạt"),
            ),
            rows=[
                (
                    p.target.year,
                    p.target.label_vi if lang == "vi" else p.target.label_en,
                    p.target.minimum,
                    p.actual,
                    p.met,
                )
                for p in report.targets
            ],
        )
    )
    out.append(_program_section(report, lang))
    if year is not None:
        out.append(_year_section(year, lang))
    out.append(
        Section(
            name="notes",
            title=("Labels and notes", "Ghi chú"),
            columns=(("item", "Item", "Mục"), ("value", "Value", "Nội dung")),
            rows=_notes(report, lang),
        )
    )
    return out


def _program_section(report: ProvinceReadiness, lang: Lang) -> Section:
    """The programme targets of the target year (263/QĐ-TTg for 2025); no rows without them."""
    program = report.program_targets
    rows: list[tuple[object, ...]] = []
    if program is not None:
        for c in program.targets:
            gap = (c.gap_vi or c.gap) if lang == "vi" else c.gap
            reason = (c.reason_vi or c.reason) if lang == "vi" else c.reason
            rows.append((
                program.year, program.region.value if program.region else None, c.outcome,
                c.code, c.name_vi if lang == "vi" else c.name_en, c.observed, c.threshold,
                unit_text(c.unit, lang=lang) or None, reason or gap,
                str(c.citation) if c.citation else None,
                c.provenance.value if c.provenance else None, program.edition,
            ))  # fmt: skip
    return Section(
        name="program_targets",
        title=("Program targets", "Mục tiêu Chương trình"),
        columns=(
            ("year", "Year", "Năm"),
            ("region", "Region", "Vùng"),
            ("outcome", "Outcome", "Kết quả"),
            ("code", "Code", "Mã"),
            ("target", "Target", "Mục tiêu"),
            ("observed", "Observed", "Hiện trạng"),
            ("required", "Required", "Yêu cầu"),
            ("unit", "Unit", "Đơn vị tính"),
            ("gap", "Gap", "Còn thiếu"),
            ("citation", "Citation", "Căn cứ"),
            ("provenance", "Provenance", "Nguồn gốc ngưỡng"),
            ("rule_set", "Rule set", "Bộ quy định"),
        ),
        rows=rows,
    )


def _year_section(year: YearResults, lang: Lang) -> Section:
    """One row per measure: newly recognised and newly computed units, and the target."""
    vi = lang == "vi"
    return Section(
        name="year",
        title=(f"Results {year.year}", f"Kết quả năm {year.year}"),
        columns=(
            ("measure", "Measure", "Chỉ tiêu"),
            ("recognised", f"Recognised in {year.year}", f"Công nhận năm {year.year}"),
            ("computed", "Newly meeting the criteria", "Mới đạt theo tiêu chí"),
            ("computed_note", "Note", "Ghi chú"),
            ("target", "Target", "Chỉ tiêu kế hoạch"),
        ),
        rows=[
            (
                c.label_vi if vi else c.label_en,
                c.recognised,
                c.computed,
                c.computed_note,
                c.target,
            )
            for c in year.counts
        ],
    )


def _notes(report: ProvinceReadiness, lang: Lang) -> list[tuple[object, ...]]:
    vi = lang == "vi"
    rows: list[tuple[object, ...]] = [
        ("Tỉnh" if vi else "Province", f"{report.province.name} ({report.province.code})"),
        ("Ngày áp dụng quy định" if vi else "Rules in force on", report.on),
        ("Kỳ số liệu" if vi else "Period", report.period),
        ("Năm mục tiêu" if vi else "Target year", report.target_year),
    ]
    if report.conditions_on is not None:
        rows.append((
            "Điều kiện của tỉnh theo quy định ngày" if vi else "Province conditions in force on",
            report.conditions_on,
        ))  # fmt: skip
    province = report.province_assessment
    if province is not None:
        rows.append(
            (
                "Kết quả của tỉnh" if vi else "Province outcome",
                outcome_mark(province.outcome, lang=lang),
            )
        )
    note = outcome_note(report, lang)
    if note:
        rows.append(("Ghi chú" if vi else "Note", note))
    labels = report.labels
    if labels.synthetic:
        rows.append((
            "Số liệu" if vi else "Values",
            "GIẢ LẬP (dữ liệu mẫu)" if vi else "SYNTHETIC (a sample, not measured data)",
        ))  # fmt: skip
    rows += [
        ("Ngưỡng minh họa" if vi else "Illustrative threshold", str(n)) for n in labels.illustrative
    ]
    rows += [
        ("Ngưỡng được thay" if vi else "Overridden threshold", str(n)) for n in labels.overridden
    ]
    rows += [("Quy định" if vi else "Rules", rule) for rule in report.rules]
    rows.append(("Mã băm quy định" if vi else "Rules hash", report.rules_hash))
    return rows


def _sheet_cell(value: object, lang: Lang) -> object:
    if isinstance(value, Outcome):
        return outcome_mark(value, lang=lang)
    if isinstance(value, Tier):
        return value.label(lang)
    return value


def sheets(
    report: ProvinceReadiness, *, lang: Lang = "en", year: YearResults | None = None
) -> list[Sheet]:
    """The workbook's sheets: one per section, headers in ``lang``."""
    return [
        Sheet(
            title=s.title[0 if lang == "en" else 1],
            header=s.header(lang),
            rows=[[_sheet_cell(v, lang) for v in row] for row in s.rows],
        )
        for s in sections(report, lang=lang, year=year)
    ]


def _frame_cell(value: object) -> object:
    if isinstance(value, Outcome | Tier):
        return value.value
    if isinstance(value, Fraction):
        return float(value)
    return value


def frames(report: ProvinceReadiness) -> dict[str, Any]:
    """The sections of :data:`FRAMES` as pandas DataFrames (English text, snake_case columns)."""
    pandas = require("pandas", feature="ProvinceReadiness.to_frame()")
    out: dict[str, Any] = {}
    for s in sections(report, lang="en"):
        if s.name not in FRAMES:
            continue
        columns = [key for key, _, _ in s.columns]
        rows = [[_frame_cell(v) for v in row] for row in s.rows]
        out[s.name] = pandas.DataFrame(rows, columns=columns)
    return out


def combined_frames(reports: Mapping[str, ProvinceReadiness]) -> dict[str, Any]:
    """The frames of every report, concatenated, with a first column ``province``."""
    pandas = require("pandas", feature="ProvincesReadiness.to_frame()")
    parts: dict[str, list[Any]] = {name: [] for name in FRAMES}
    for code, report in reports.items():
        for name, frame in frames(report).items():
            frame.insert(0, "province", code)
            parts[name].append(frame)
    return {
        name: pandas.concat(items, ignore_index=True) if items else pandas.DataFrame()
        for name, items in parts.items()
    }
