"""``ntm readiness``: the province readiness report (on the bundled Hà Tĩnh sample by default)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, TextIO

from ntm_core.cli._common import (
    EXIT_OK,
    SAMPLE_LABEL,
    UsageError,
    output_options,
    output_path,
    parse_date,
    province_inputs,
    write_text,
)
from ntm_core.exceptions import InputError

if TYPE_CHECKING:
    import datetime as dt

    from ntm_core.admin import AdminSnapshot
    from ntm_core.engine import Observations
    from ntm_core.readiness import PlanTarget, ProvinceReadiness, YearResults
    from ntm_core.rules import Rulebook

__all__ = ["add_parser"]

_SAMPLE_LABEL_VI = (
    "Dữ liệu mẫu Hà Tĩnh kèm theo: đơn vị hành chính thật, số liệu GIẢ LẬP, ngưỡng minh họa."
)


def _cmd_readiness(args: argparse.Namespace, out: TextIO) -> int:
    """The province readiness report (on the bundled Hà Tĩnh sample when no DATA is given)."""
    from ntm_core.datasets import HA_TINH_DIR
    from ntm_core.readiness import assess_province, read_recognitions

    target = output_path(args)
    if args.format == "xlsx" and target is None:
        msg = "argument --format: xlsx is written to a file; give -o FILE.xlsx"
        raise UsageError(msg)
    book, scope, sample, observations = province_inputs(args)
    tree = _tree(args, args.on)
    recognitions = (
        read_recognitions(args.recognitions)
        if args.recognitions
        else (read_recognitions(HA_TINH_DIR / "recognitions.csv") if sample else [])
    )
    targets = _targets(args, sample=sample)
    report = assess_province(
        observations,
        tree=tree,
        province=args.province,
        on=args.on,
        period=args.period,
        target_year=args.target,
        rulebook=book,
        scope=scope,
        recognitions=recognitions,
        targets=targets,
        synthetic=sample,
    )
    ocop = _ocop_section(args, tree, sample=sample)
    year = _year_results(args, report, observations, book, scope, ocop, sample=sample)
    if args.format == "xlsx" and target is not None:  # without -o refused above, before the work
        report.to_excel(target, lang=args.lang, force=args.force, year=year)
        return EXIT_OK
    text = _rendered(args, report, ocop, year, sample=sample)
    if target is None:
        out.write(text)
    else:
        write_text(target, text)
    return EXIT_OK


def _rendered(
    args: argparse.Namespace,
    report: ProvinceReadiness,
    ocop: dict[str, object] | None,
    year: YearResults,
    *,
    sample: bool,
) -> str:
    """The report in the text format of ``--format`` and the language of ``--lang``."""
    if args.format == "json":
        document = report.to_dict(ocop=ocop, year=year)
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.format == "md":
        return report.to_markdown(lang=args.lang, ocop=ocop, year=year)
    if args.format == "html":
        return report.to_html(lang=args.lang, ocop=ocop, year=year)
    from ntm_core.ocop import render_ocop_section

    notice = (_SAMPLE_LABEL_VI if args.lang == "vi" else SAMPLE_LABEL) + "\n"
    lines = render_ocop_section(ocop, lang=args.lang) if ocop is not None else []
    body = report.to_text(lang=args.lang, ocop_lines=lines, year=year)
    return (notice if sample else "") + body + "\n"


def _tree(args: argparse.Namespace, on: dt.date) -> AdminSnapshot:
    """The units of ``--units`` existing on ``on``, else Hà Tĩnh's tree as of that day."""
    from ntm_core.admin import AdminSnapshot, load_units_csv
    from ntm_core.datasets import ha_tinh_tree

    if args.units:
        return AdminSnapshot(
            on=on, units=[u for u in load_units_csv(args.units) if u.exists_on(on)]
        )
    if args.province == "42":
        return ha_tinh_tree().as_of(on)
    msg = "give --units FILE (code, name, level, parent_code) for a province other than Hà Tĩnh"
    raise InputError(msg, column="units")


def _targets(args: argparse.Namespace, *, sample: bool) -> list[PlanTarget]:
    """The plan targets of a readiness run (``--targets``, else the sample's)."""
    from ntm_core.datasets import HA_TINH_DIR
    from ntm_core.readiness import read_targets

    if args.targets:
        return read_targets(args.targets)
    return read_targets(HA_TINH_DIR / "targets.toml") if sample else []


def _year_results(  # noqa: PLR0917 - the context of one readiness run
    args: argparse.Namespace,
    report: ProvinceReadiness,
    observations: Observations,
    book: Rulebook,
    scope: str,
    ocop: dict[str, object] | None,
    *,
    sample: bool,
) -> YearResults:
    """The year's results: the report beside the previous period, judged by its own rules."""
    import datetime as dt

    from ntm_core.datasets import HA_TINH_DIR
    from ntm_core.readiness import assess_province, read_recognitions, year_results

    previous = None
    before = report.period - 1
    if before in set(observations.periods):
        on = min(dt.date(before, 12, 31), args.on)
        previous = assess_province(
            observations,
            tree=_tree(args, on),
            province=args.province,
            on=on,
            period=before,
            rulebook=book,
            scope=scope,
            recognitions=report.recognitions,
        )
    areas = args.residential_areas or (HA_TINH_DIR / "residential-areas.csv" if sample else None)
    certified = None
    if ocop is not None:
        by_year = ocop["portfolio"]["new_by_year"]  # type: ignore[index]
        certified = int(by_year.get(str(report.period), {}).get("certified", 0))
    return year_results(
        report,
        previous,
        residential_areas=read_recognitions(areas) if areas else None,
        ocop_certified=certified,
        targets=_targets(args, sample=sample),
    )


def _ocop_section(
    args: argparse.Namespace, tree: AdminSnapshot, *, sample: bool
) -> dict[str, object] | None:
    """The OCOP section of the report: the sample's, or that of ``--products``.

    Products of ``--products`` are counted per district-level unit of the
    report's tree, as the sample's are (per commune when it has none).
    """
    from ntm_core.admin import AdminLevel
    from ntm_core.datasets import ha_tinh_ocop_targets, ocop_sample_section
    from ntm_core.ocop import ocop_section, read_products

    if args.products:
        targets = ha_tinh_ocop_targets() if args.province == "42" else None
        districts = any(u.level.rank == AdminLevel.DISTRICT.rank for u in tree.units())
        return ocop_section(
            args.on,
            products=read_products(args.products),
            units=tree if districts else None,
            targets=targets,
            source=str(args.products),
        )
    if sample:
        return ocop_sample_section(args.on)
    return None


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm readiness [DATA] --province CODE --on DATE …``."""
    readiness = sub.add_parser(
        "readiness",
        parents=[common],
        help="province readiness report (bundled Hà Tĩnh sample by default)",
    )
    readiness.add_argument(
        "data", metavar="DATA", nargs="?", help="observations of every level (default: the sample)"
    )
    readiness.add_argument(
        "--province", default="42", help="the province code (default 42, Hà Tĩnh)"
    )
    readiness.add_argument(
        "--on", type=parse_date, required=True, help="the date whose rules apply (YYYY-MM-DD)"
    )
    readiness.add_argument(
        "--target",
        type=int,
        help=(
            "the target year, e.g. 2025: its plan and programme targets (263/QĐ-TTg for 2025) "
            "and the province conditions of that year, on the data as of --on"
        ),
    )
    readiness.add_argument(
        "--period", type=int, help="the assessment year (default: the latest not after --on)"
    )
    readiness.add_argument(
        "--units", metavar="FILE", help="administrative units (code, name, level, parent_code)"
    )
    readiness.add_argument("--recognitions", metavar="FILE", help="recognition decisions CSV")
    readiness.add_argument("--targets", metavar="FILE", help="plan targets TOML")
    readiness.add_argument(
        "--residential-areas",
        metavar="FILE",
        help="recognitions of model residential areas (CSV, columns of --recognitions)",
    )
    readiness.add_argument(
        "--products", metavar="FILE", help="OCOP products CSV for the OCOP section"
    )
    readiness.add_argument(
        "--scope", help="prefer this scope's rule sets (default: ha-tinh for 42, else vn)"
    )
    readiness.add_argument(
        "--decimal-comma",
        action="store_true",
        help="the data writes decimals with a comma (45,5); default: detected from the file",
    )
    readiness.add_argument(
        "--format",
        choices=("table", "json", "md", "html", "xlsx"),
        default="table",
        help="the output format (xlsx needs -o FILE)",
    )
    readiness.add_argument(
        "--lang", choices=("en", "vi"), default="en", help="the language of the report"
    )
    output_options(readiness, what="the report")
    # The command writes -o FILE itself: a workbook is bytes, not text.
    readiness.set_defaults(handler=_cmd_readiness, writes_file=True)
