"""``ntm readiness``: the province readiness report (on the bundled Hà Tĩnh sample by default)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ntm_core._core.vocabulary import RuleLevel
from ntm_core.cli._common import EXIT_OK, check_scope, output_options, parse_date, rulebook
from ntm_core.exceptions import InputError, RuleNotInForceError

if TYPE_CHECKING:
    from ntm_core.rules import RuleSet

__all__ = ["add_parser"]

_SAMPLE_NOTICE = "Bundled Hà Tĩnh sample: real units, SYNTHETIC values, illustrative thresholds."


def _cmd_readiness(args: argparse.Namespace, out: TextIO) -> int:  # noqa: PLR0912, PLR0915 - one branch per option
    """The province readiness report (on the bundled Hà Tĩnh sample when no DATA is given)."""
    from ntm_core.admin import AdminSnapshot, load_units_csv
    from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
    from ntm_core.engine import IndicatorCatalog, Ladder
    from ntm_core.io import read_observations
    from ntm_core.readiness import assess_province, read_recognitions, read_targets

    # The renderers are not exported by ntm_core.readiness yet (its owner is asked to).
    from ntm_core.readiness._render import (
        readiness_html,
        readiness_markdown,
        readiness_text,
        readiness_to_dict,
    )

    sample = args.data is None
    scope = args.scope or ("ha-tinh" if args.province == "42" else "vn")
    book = rulebook(args)
    check_scope(scope, (edition.key for edition in book))
    if sample:
        if args.province != "42":
            msg = "the bundled sample covers Hà Tĩnh (--province 42) only; give DATA for another"
            raise InputError(msg, column="province", value=args.province)
        book = book.with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
    editions: list[RuleSet] = []
    for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE):
        try:
            ladder = Ladder.for_level(book, level=level, on=args.on, scope=scope)
        except RuleNotInForceError:
            continue
        editions.extend(ladder.rungs)
        if ladder.recognition is not None:
            editions.append(ladder.recognition)
    catalog = IndicatorCatalog.from_editions(editions)
    data = HA_TINH_DIR / "sample-observations.csv" if sample else Path(args.data)
    observations = read_observations(
        data, catalog=catalog, decimal_comma=True if args.decimal_comma else None
    )
    if args.units:
        units = [u for u in load_units_csv(args.units) if u.exists_on(args.on)]
        tree = AdminSnapshot(on=args.on, units=units)
    elif args.province == "42":
        tree = ha_tinh_tree().as_of(args.on)
    else:
        msg = "give --units FILE (code, name, level, parent_code) for a province other than Hà Tĩnh"
        raise InputError(msg, column="units")
    recognitions = (
        read_recognitions(args.recognitions)
        if args.recognitions
        else (read_recognitions(HA_TINH_DIR / "recognitions.csv") if sample else [])
    )
    targets = (
        read_targets(args.targets)
        if args.targets
        else (read_targets(HA_TINH_DIR / "targets.toml") if sample else [])
    )
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
    ocop = _ocop_section(args, sample=sample)
    if args.format == "json":
        json.dump(readiness_to_dict(report, ocop=ocop), out, ensure_ascii=False, indent=2)
        print(file=out)
    elif args.format == "md":
        out.write(readiness_markdown(report, ocop=ocop))
    elif args.format == "html":
        out.write(readiness_html(report, ocop=ocop))
    else:
        from ntm_core.ocop import render_ocop_section

        if sample:
            print(_SAMPLE_NOTICE, file=out)
        lines = render_ocop_section(ocop) if ocop is not None else []
        print(readiness_text(report, ocop_lines=lines), file=out)
    return EXIT_OK


def _ocop_section(args: argparse.Namespace, *, sample: bool) -> dict[str, object] | None:
    """The OCOP section of the report: the sample's, or that of ``--products``."""
    from ntm_core.datasets import ha_tinh_ocop_targets, ocop_sample_section
    from ntm_core.ocop import ocop_section, read_products

    if args.products:
        targets = ha_tinh_ocop_targets() if args.province == "42" else None
        return ocop_section(args.on, products=read_products(args.products), targets=targets)
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
    readiness.add_argument("--target", type=int, help="the target year, e.g. 2025")
    readiness.add_argument(
        "--period", type=int, help="the assessment year (default: the latest not after --on)"
    )
    readiness.add_argument(
        "--units", metavar="FILE", help="administrative units (code, name, level, parent_code)"
    )
    readiness.add_argument("--recognitions", metavar="FILE", help="recognition decisions CSV")
    readiness.add_argument("--targets", metavar="FILE", help="plan targets TOML")
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
    readiness.add_argument("--format", choices=("table", "json", "md", "html"), default="table")
    output_options(readiness)
    readiness.set_defaults(handler=_cmd_readiness)
