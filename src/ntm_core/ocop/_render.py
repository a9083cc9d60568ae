"""Text renderings of OCOP results: portfolio and progress summaries, the readiness section.

Each renderer reads the JSON-ready data of ``to_dict()`` (so a stored JSON
result renders the same). The public names are re-exported, and documented,
by :mod:`ntm_core.ocop`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ntm_core._core.vocabulary import Citation

__all__ = ["portfolio_lines", "progress_lines", "render_ocop_section"]


def portfolio_lines(data: Mapping[str, Any], *, lang: str = "en") -> list[str]:
    """The summary of :meth:`Portfolio.to_dict` data (also when read back from JSON)."""
    vi = lang == "vi"
    stars = ", ".join(f"{k}★ {v}" for k, v in data["by_stars"].items())
    years = ", ".join(f"{y}: {v['certified']}" for y, v in data["new_by_year"].items())
    later = data["evaluated_after"]
    if vi:
        after = f" (không tính {later} sản phẩm đánh giá sau ngày này)" if later else ""
        lines = [
            f"Sản phẩm OCOP đến ngày {data['on']}: {data['products']} sản phẩm đã đánh giá{after}",
            (
                f"  hạng sao: {stars}; chưa xếp hạng {data['unrated']}; "
                f"tiềm năng 5 sao {data['five_star_candidates']}"
            ),
            (
                f"  chứng nhận: {data['certified']} sản phẩm, còn hiệu lực {data['valid']}, "
                f"hết hiệu lực {data['expired']}, chờ quyết định {data['pending']}"
            ),
            f"  chứng nhận mới theo năm đánh giá: {years or '-'}",
        ]
        if data["provisional"]:
            lines.append(
                f"  {data['provisional']} kết quả tạm tính (dữ liệu quy tắc chưa được kiểm chứng)"
            )
        return lines
    after = f" ({later} evaluated later, not counted)" if later else ""
    lines = [
        f"OCOP portfolio on {data['on']}: {data['products']} products rated{after}",
        (
            f"  stars: {stars}; unrated {data['unrated']}; "
            f"5-star candidates {data['five_star_candidates']}"
        ),
        (
            f"  certificates: {data['certified']} certified, {data['valid']} valid, "
            f"{data['expired']} expired, {data['pending']} pending"
        ),
        f"  newly certified by evaluation year: {years or '-'}",
    ]
    if data["provisional"]:
        lines.append(f"  {data['provisional']} ratings provisional (rule data not verified)")
    return lines


def progress_lines(data: Mapping[str, Any], *, lang: str = "en") -> list[str]:
    """The summary of :meth:`OcopProgress.to_dict` data (also when read back from JSON)."""
    vi = lang == "vi"
    targets = data["targets"]
    cite = Citation.from_mapping(targets["citation"])
    state = "" if data["final"] else (" (năm chưa kết thúc)" if vi else " (year not over)")
    if vi:
        head = f"Mục tiêu OCOP {targets['year']} của {targets['unit_name']} ({cite}){state}:"
    else:
        head = f"OCOP targets {targets['year']} of {targets['unit_name']} ({cite}){state}:"
    lines = [head]
    for item in data["items"]:
        label = item["label_vi"] if vi else item["label_en"]
        if item["met"]:
            verdict = "đạt" if vi else "met"
        elif vi:
            verdict = f"chưa đạt, thiếu {item['shortfall']}"
        else:
            verdict = f"not met, {item['shortfall']} short"
        kind = (" (phấn đấu)" if vi else " (aspiration)") if item["aspiration"] else ""
        lines.append(f"  {label}{kind}: {item['achieved']}/{item['minimum']} — {verdict}")
    if data["five_star_candidates"]:
        n = data["five_star_candidates"]
        lines.append(
            f"  sản phẩm tiềm năng 5 sao chờ Hội đồng trung ương công nhận: {n}"
            if vi
            else f"  5-star candidates awaiting central recognition: {n}"
        )
    return lines


def render_ocop_section(section: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The lines of an :func:`~ntm_core.ocop.ocop_section` in English (``"en"``) or Vietnamese.

    >>> import datetime as dt
    >>> from ntm_core.datasets import ocop_sample_section
    >>> for line in render_ocop_section(ocop_sample_section(dt.date(2022, 12, 31)))[:3]:
    ...     print(line)
    OCOP — bundled Hà Tĩnh sample — SYNTHETIC DATA
    OCOP portfolio on 2022-12-31: 224 products rated (158 evaluated later, not counted)
      stars: 5★ 0, 4★ 23, 3★ 192, 2★ 8, 1★ 1; unrated 0; 5-star candidates 1

    .. versionadded:: 0.1.0
    """
    vi = lang == "vi"
    head = "OCOP — " + str(section["source"])
    if section.get("synthetic"):
        head += " — DỮ LIỆU GIẢ LẬP" if vi else " — SYNTHETIC DATA"
    lines = [head, *portfolio_lines(section["portfolio"], lang=lang)]
    data = section["portfolio"]
    if data["grouped_by"] == "parent":
        word = "theo đơn vị" if vi else "by unit"
        names = section.get("unit_names") or {}
        cells = [
            f"{names.get(code, code)} {c['valid']}/{c['products']}"
            for code, c in data["by_unit"].items()
        ]
        valid = "còn hiệu lực/đã đánh giá" if vi else "valid/rated"
        lines.append(f"  {word} ({valid}): " + ", ".join(cells))
    if section.get("progress"):
        lines.extend(progress_lines(section["progress"], lang=lang))
    return lines
