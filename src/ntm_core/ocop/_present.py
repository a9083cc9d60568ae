"""How OCOP results show themselves: short reprs, notebook HTML, tables, frames, workbooks, plots.

The methods of :class:`OcopRating`, :class:`OcopBatch`, :class:`Portfolio`
and :class:`OcopProgress` call these; the ``ntm ocop`` command calls the
methods. Rows are built once (:func:`product_rows`, :func:`portfolio_sections`,
:func:`progress_rows`) and written as text, Excel sheets or DataFrames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from ntm_core._core.display import Lang, check_lang, details, html_table, short_repr
from ntm_core._core.numbers import decimal_text
from ntm_core._core.optional import require
from ntm_core._core.workbook import Sheet

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ntm_core.ocop._batch import OcopBatch
    from ntm_core.ocop._portfolio import Portfolio
    from ntm_core.ocop._rating import OcopRating
    from ntm_core.ocop._targets import OcopProgress

__all__ = [
    "PortfolioPlots",
    "batch_html",
    "batch_repr",
    "batch_sheets",
    "batch_text",
    "frame",
    "portfolio_frames",
    "portfolio_html",
    "portfolio_repr",
    "portfolio_sheets",
    "product_rows",
    "progress_html",
    "progress_repr",
    "progress_sheet",
    "rating_html",
    "rating_repr",
]

_HTML_ROWS = 20  # products shown in a notebook; the rest are in to_frame()


def _yes(value: bool, lang: Lang) -> str:  # noqa: FBT001 - a cell's value
    if lang == "vi":
        return "có" if value else "không"
    return "yes" if value else "no"


# --- one rating ------------------------------------------------------------------------------


def rating_repr(rating: OcopRating) -> str:
    """``<OcopRating SYN-1 total=91 stars=4 edition=vn.ocop.rating@2020 provisional=True>``."""
    return short_repr(
        "OcopRating",
        ("code", rating.code),
        ("total", decimal_text(rating.total)),
        ("stars", rating.stars),
        ("five_star_candidate", rating.five_star_candidate),
        ("valid_until", rating.valid_until.isoformat() if rating.valid_until else None),
        ("edition", rating.edition),
        ("provisional", rating.provisional),
    )


def rating_html(rating: OcopRating) -> str:
    """The parts, the band and the certificate; the explanation with its citations collapsible."""
    exp = rating.explanation
    rows = [
        (
            p.code,
            p.name_en,
            decimal_text(p.score) + ("*" if not p.provenance.reliable else ""),
            p.max,
        )
        for p in exp.parts
    ]
    maximum = sum(p.max for p in exp.parts)
    rows.append(("", "Total", decimal_text(rating.total), maximum))
    stars = f"{rating.stars}★" if rating.stars else "below every band"
    head = (
        f"<p><strong>{_escape(rating.code)} {_escape(rating.product.name)}</strong>: {stars}"
        + (" (5-star candidate)" if rating.five_star_candidate else "")
        + f", under {_escape(rating.edition)}</p>"
    )
    parts = [head, html_table(("Part", "Name", "Score", "Max"), rows)]
    if rating.provisional:
        parts.append("<p>* relies on rule data that is not verified: provisional</p>")
    parts.append(details("Explanation and citations", f"<pre>{_escape(rating.explain())}</pre>"))
    return "".join(parts)


def _escape(text: str) -> str:
    import html

    return html.escape(text)


# --- many ratings ------------------------------------------------------------------------------

_PRODUCT_COLUMNS = (
    ("code", "CODE", "MÃ"),
    ("name", "NAME", "TÊN"),
    ("group", "GROUP", "NHÓM"),
    ("total", "TOTAL", "TỔNG ĐIỂM"),
    ("stars", "STARS", "SỐ SAO"),
    ("five_star_candidate", "5★ CANDIDATE", "TIỀM NĂNG 5★"),
    ("valid_until", "VALID UNTIL", "HIỆU LỰC ĐẾN"),
)
_SHEET_COLUMNS = (
    ("code", "Code", "Mã"),
    ("name", "Name", "Tên sản phẩm"),
    ("commune_code", "Commune code", "Mã xã"),
    ("group", "Group", "Nhóm"),
    ("edition", "Rules", "Quy định"),
    ("total", "Total score", "Tổng điểm"),
    ("stars", "Stars", "Số sao"),
    ("five_star_candidate", "5-star candidate", "Tiềm năng 5 sao"),
    ("certified", "Certified", "Được chứng nhận"),
    ("certifier", "Certified by", "Cấp chứng nhận"),
    ("valid_from", "Valid from", "Hiệu lực từ"),
    ("valid_until", "Valid until", "Hiệu lực đến"),
    ("valid", "Valid on {on}", "Còn hiệu lực ngày {on}"),
    ("provisional", "Provisional", "Tạm tính"),
)


def batch_repr(batch: OcopBatch) -> str:
    """``<OcopBatch products=382 editions=… certified=… provisional=…>``."""
    return short_repr(
        "OcopBatch",
        ("products", len(batch)),
        ("certified", int(batch.certified.sum())),
        ("provisional", int(batch.provisional.sum())),
        ("editions", ",".join(batch.editions)),
    )


def product_rows(batch: OcopBatch, *, on: dt.date | None) -> list[dict[str, object]]:
    """One record per product: :meth:`OcopBatch.to_records`, with exact totals as fractions.

    Without ``on`` the ``valid`` field is ``None``.
    """
    records = batch.to_records(on=on or dt.date.max)
    for i, record in enumerate(records):
        record["total"] = batch.total(i)
        if on is None:
            record["valid"] = None
    return records


def _cell(value: object, lang: Lang) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return _yes(value, lang)
    if isinstance(value, Fraction):
        return decimal_text(value)
    return str(value)


def columns_text(rows: Sequence[Sequence[str]]) -> str:
    """Rows as left-aligned columns, two spaces apart, trailing spaces cut."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in rows
    )


def batch_text(batch: OcopBatch, *, on: dt.date | None, lang: Lang) -> str:
    """The products as a table: code, name (cut at 32 characters), group, total, stars and more."""
    lang = check_lang(lang)
    vi = lang == "vi"
    header = [vi_ if vi else en for _, en, vi_ in _PRODUCT_COLUMNS]
    if on is not None:
        header.append(f"{'CÒN HIỆU LỰC' if vi else 'VALID'} {on.isoformat()}")
    rows = [header]
    for record in product_rows(batch, on=on):
        name = str(record["name"])
        row = [
            _cell(record[key], lang)
            if key != "name"
            else name
            if len(name) <= 32
            else name[:31] + "…"
            for key, _, _ in _PRODUCT_COLUMNS
        ]
        if on is not None:
            row.append(_cell(record["valid"], lang))
        rows.append(row)
    return columns_text(rows)


def batch_html(batch: OcopBatch) -> str:
    """The first products as a table (the rest: ``to_frame()``)."""
    rows = (
        (r["code"], r["name"], r["group"], _cell(r["total"], "en"), _cell(r["stars"], "en"),
         _yes(bool(r["five_star_candidate"]), "en"), _cell(r["valid_until"], "en"),
         "*" if r["provisional"] else "")
        for r in product_rows(batch, on=None)
    )  # fmt: skip
    table = html_table(
        ("Code", "Name", "Group", "Total", "Stars", "5★ candidate", "Valid until", "Provisional"),
        rows,
        caption=f"OCOP ratings: {len(batch)} products",
        limit=_HTML_ROWS,
    )
    note = "<p>* relies on rule data that is not verified: provisional</p>"
    return table + (note if batch.provisional.any() else "")


def _sheet_header(
    columns: Sequence[tuple[str, str, str]], lang: Lang, **fields: object
) -> list[str]:
    return [(en if lang == "en" else vi).format(**fields) for _, en, vi in columns]


def _product_sheet(batch: OcopBatch, *, on: dt.date | None, lang: Lang) -> Sheet:
    columns = [c for c in _SHEET_COLUMNS if on is not None or c[0] != "valid"]
    rows = [[r[key] for key, _, _ in columns] for r in product_rows(batch, on=on)]
    title = "Sản phẩm" if lang == "vi" else "Products"
    return Sheet(
        title=title,
        header=_sheet_header(columns, lang, on=on.isoformat() if on else ""),
        rows=rows,
    )


def batch_sheets(
    batch: OcopBatch, *, on: dt.date | None, targets: object, lang: Lang
) -> list[Sheet]:
    """The products; with ``on`` also the portfolio on that date and progress on ``targets``."""
    lang = check_lang(lang)
    out = [_product_sheet(batch, on=on, lang=lang)]
    if on is None:
        return out
    from ntm_core.ocop._portfolio import portfolio
    from ntm_core.ocop._section import targets_of_year, year_progress
    from ntm_core.ocop._targets import OcopTargets

    stats = portfolio(batch, on=on)
    out += portfolio_sheets(stats, lang=lang)
    if targets is not None:
        chosen = (
            targets
            if isinstance(targets, OcopTargets)
            else targets_of_year(cast("Sequence[OcopTargets]", targets), on=on)
        )
        out.append(progress_sheet(year_progress(batch, stats, chosen), lang=lang))
    return out


def frame(records: Sequence[dict[str, object]], *, feature: str) -> Any:  # noqa: ANN401 - a DataFrame, pandas optional
    """A DataFrame of records, exact numbers as floats."""
    pandas = require("pandas", feature=feature)
    rows = [
        {k: float(v) if isinstance(v, Fraction) else v for k, v in record.items()}
        for record in records
    ]
    return pandas.DataFrame(rows)


# --- portfolio ---------------------------------------------------------------------------------


def portfolio_repr(stats: Portfolio) -> str:
    """``<Portfolio on=2024-12-31 products=351 certified=336 valid=179 by_stars=5★1,4★44,…>``."""
    stars = ",".join(f"{k}★{v}" for k, v in stats.by_stars.items())
    return short_repr(
        "Portfolio",
        ("on", stats.on.isoformat()),
        ("products", stats.products),
        ("certified", stats.certified),
        ("valid", stats.valid),
        ("by_stars", stars),
        ("units", len(stats.by_unit)),
    )


def _star_rows(stats: Portfolio) -> list[tuple[object, ...]]:
    return [(k, v, stats.valid_by_stars.get(k, 0)) for k, v in stats.by_stars.items()]


def _group_rows(stats: Portfolio, lang: Lang) -> list[tuple[object, ...]]:
    return [
        (g.edition, g.code, g.name_vi if lang == "vi" else g.name_en, g.count)
        for g in stats.by_group
    ]


def _unit_rows(stats: Portfolio) -> list[tuple[object, ...]]:
    return [
        (code, c.products, c.certified, c.valid, c.expired, c.five_star_candidates)
        for code, c in stats.by_unit.items()
    ]


_STAR_COLUMNS = (
    ("stars", "Stars", "Số sao"),
    ("products", "Products", "Số sản phẩm"),
    ("valid", "Valid certificates", "Còn hiệu lực"),
)
_GROUP_COLUMNS = (
    ("edition", "Rules", "Quy định"),
    ("group", "Group", "Nhóm"),
    ("name", "Group name", "Tên nhóm"),
    ("products", "Products", "Số sản phẩm"),
)
_UNIT_COLUMNS = (
    ("unit", "Unit", "Đơn vị"),
    ("products", "Products", "Số sản phẩm"),
    ("certified", "Certified", "Được chứng nhận"),
    ("valid", "Valid", "Còn hiệu lực"),
    ("expired", "Expired", "Hết hiệu lực"),
    ("five_star_candidates", "5-star candidates", "Tiềm năng 5 sao"),
)
_YEAR_COLUMNS = (
    ("year", "Evaluation year", "Năm đánh giá"),
    ("stars", "Stars", "Số sao"),
    ("certified", "Newly certified", "Chứng nhận mới"),
)


def _year_rows(stats: Portfolio) -> list[tuple[object, ...]]:
    return [
        (year, stars, count)
        for year, counts in stats.new_by_year.items()
        for stars, count in counts.items()
    ]


def portfolio_sheets(stats: Portfolio, *, lang: Lang) -> list[Sheet]:
    """Summary, stars, groups, units and yearly increments, one sheet each."""
    lang = check_lang(lang)
    vi = lang == "vi"
    summary = [
        ("Ngày" if vi else "On", stats.on),
        ("Sản phẩm đã đánh giá" if vi else "Products rated", stats.products),
        ("Đánh giá sau ngày này" if vi else "Evaluated later (not counted)", stats.evaluated_after),
        ("Chưa xếp hạng" if vi else "Unrated", stats.unrated),
        ("Tiềm năng 5 sao" if vi else "5-star candidates", stats.five_star_candidates),
        ("Được chứng nhận" if vi else "Certified", stats.certified),
        ("Còn hiệu lực" if vi else "Valid", stats.valid),
        ("Hết hiệu lực" if vi else "Expired", stats.expired),
        ("Chờ quyết định" if vi else "Pending", stats.pending),
        ("Tạm tính" if vi else "Provisional", stats.provisional),
        ("Quy định" if vi else "Rules", ", ".join(stats.editions)),
    ]
    return [
        Sheet(
            title="Tổng hợp" if vi else "Portfolio",
            header=["Mục" if vi else "Item", "Giá trị" if vi else "Value"],
            rows=summary,
        ),
        Sheet(
            title="Theo số sao" if vi else "By stars",
            header=_sheet_header(_STAR_COLUMNS, lang),
            rows=_star_rows(stats),
        ),
        Sheet(
            title="Theo nhóm" if vi else "By group",
            header=_sheet_header(_GROUP_COLUMNS, lang),
            rows=_group_rows(stats, lang),
        ),
        Sheet(
            title="Theo đơn vị" if vi else "By unit",
            header=_sheet_header(_UNIT_COLUMNS, lang),
            rows=_unit_rows(stats),
        ),
        Sheet(
            title="Theo năm" if vi else "By year",
            header=_sheet_header(_YEAR_COLUMNS, lang),
            rows=_year_rows(stats),
        ),
    ]


def portfolio_frames(stats: Portfolio) -> dict[str, Any]:
    """``stars``, ``groups``, ``units`` and ``years`` as DataFrames."""
    pandas = require("pandas", feature="Portfolio.to_frame()")

    def make(columns: Sequence[tuple[str, str, str]], rows: list[tuple[object, ...]]) -> Any:  # noqa: ANN401 - a DataFrame, pandas optional
        return pandas.DataFrame(rows, columns=[key for key, _, _ in columns])

    return {
        "stars": make(_STAR_COLUMNS, _star_rows(stats)),
        "groups": make(_GROUP_COLUMNS, _group_rows(stats, "en")),
        "units": make(_UNIT_COLUMNS, _unit_rows(stats)),
        "years": make(_YEAR_COLUMNS, _year_rows(stats)),
    }


def portfolio_html(stats: Portfolio) -> str:
    """Counts by stars and the certificates, as HTML."""
    head = (
        f"<p><strong>OCOP portfolio on {stats.on.isoformat()}</strong>: {stats.products} "
        f"products rated, {stats.certified} certified, {stats.valid} valid, "
        f"{stats.expired} expired, {stats.pending} pending</p>"
    )
    stars = html_table(("Stars", "Products", "Valid certificates"), _star_rows(stats))
    note = (
        f"<p>{stats.provisional} ratings provisional (rule data not verified)</p>"
        if stats.provisional
        else ""
    )
    units = html_table(
        ("Unit", "Products", "Certified", "Valid", "Expired", "5★ candidates"),
        _unit_rows(stats),
        limit=_HTML_ROWS,
    )
    return head + stars + note + details(f"By unit ({len(stats.by_unit)})", units)


class PortfolioPlots:
    """The plots of a portfolio (``portfolio.plot``).

    .. versionadded:: 0.1.0
    """

    def __init__(self, stats: Portfolio) -> None:
        self._stats = stats

    def stars(self, *, ax: Axes | None = None, lang: Lang = "en") -> Axes:
        """Bars of products by the stars they hold, beside those with a valid certificate.

        Returns:
            The matplotlib ``Axes``.
        """
        lang = check_lang(lang)
        if ax is None:
            pyplot = require("matplotlib.pyplot", feature="portfolio.plot.stars()")
            _, ax = pyplot.subplots()
        axes = cast("Axes", ax)
        vi = lang == "vi"
        rows = _star_rows(self._stats)
        positions = list(range(len(rows)))
        axes.bar(
            [p - 0.2 for p in positions],
            [int(cast("int", r[1])) for r in rows],
            width=0.4,
            label="đã đánh giá" if vi else "rated",
            edgecolor="black",
        )
        axes.bar(
            [p + 0.2 for p in positions],
            [int(cast("int", r[2])) for r in rows],
            width=0.4,
            label="còn hiệu lực" if vi else "valid certificate",
            hatch="//",
            edgecolor="black",
        )
        axes.set_xticks(positions, [f"{r[0]}★" for r in rows])
        axes.set_ylabel("Số sản phẩm" if vi else "Products")
        axes.set_title(f"OCOP {'đến ngày' if vi else 'on'} {self._stats.on.isoformat()}")
        axes.legend()
        return axes


# --- progress ----------------------------------------------------------------------------------

_PROGRESS_COLUMNS = (
    ("target", "Target", "Mục tiêu"),
    ("aspiration", "Aspiration", "Phấn đấu"),
    ("minimum", "Minimum", "Tối thiểu"),
    ("achieved", "Achieved", "Thực hiện"),
    ("met", "Met", "Đạt"),
    ("shortfall", "Shortfall", "Còn thiếu"),
)


def progress_rows(progress: OcopProgress, lang: Lang) -> list[tuple[object, ...]]:
    """One row per target."""
    return [
        (
            i.target.label_vi if lang == "vi" else i.target.label_en,
            i.target.aspiration,
            i.target.minimum,
            i.achieved,
            i.met,
            i.shortfall,
        )
        for i in progress.items
    ]


def progress_repr(progress: OcopProgress) -> str:
    """``<OcopProgress year=2022 unit=… on=… targets=3 met=2>``."""
    return short_repr(
        "OcopProgress",
        ("year", progress.targets.year),
        ("unit", repr(progress.targets.unit_name)),
        ("on", progress.on.isoformat()),
        ("targets", len(progress.items)),
        ("met", sum(i.met for i in progress.items)),
        ("final", progress.final),
    )


def progress_sheet(progress: OcopProgress, *, lang: Lang) -> Sheet:
    """The targets of the year, one row each."""
    lang = check_lang(lang)
    title = f"{'Mục tiêu' if lang == 'vi' else 'Targets'} {progress.targets.year}"
    return Sheet(
        title=title,
        header=_sheet_header(_PROGRESS_COLUMNS, lang),
        rows=progress_rows(progress, lang),
    )


def progress_frame(progress: OcopProgress) -> Any:  # noqa: ANN401 - a DataFrame, pandas optional
    """One row per target."""
    pandas = require("pandas", feature="OcopProgress.to_frame()")
    return pandas.DataFrame(
        progress_rows(progress, "en"), columns=[key for key, _, _ in _PROGRESS_COLUMNS]
    )


def progress_html(progress: OcopProgress) -> str:
    """The targets with met / not met marks."""
    rows = [
        (label, minimum, achieved, "✓ met" if met else "✗ not met", "aspiration" if asp else "")
        for label, asp, minimum, achieved, met, _ in progress_rows(progress, "en")
    ]
    return html_table(
        ("Target", "Minimum", "Achieved", "Outcome", ""),
        rows,
        caption=(
            f"OCOP targets {progress.targets.year} of {progress.targets.unit_name} "
            f"({progress.targets.citation})"
        ),
    )
