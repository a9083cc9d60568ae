"""``ntm ocop``: rate OCOP products, print them and the portfolio against the targets."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from ntm_core.cli._common import EXIT_OK, output_options, parse_date, rulebook, table

__all__ = ["add_parser"]

_SAMPLE_SOURCE = "bundled Hà Tĩnh sample (SYNTHETIC)"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _cmd_ocop(args: argparse.Namespace, out: TextIO) -> int:
    """Rate the products, print them and the portfolio (against the targets)."""
    from ntm_core.datasets import ha_tinh_ocop_targets, ocop_sample_products
    from ntm_core.ocop import (
        SCHEMA,
        OcopTargets,
        ocop_section,
        portfolio_lines,
        progress_lines,
        rate_many,
        read_products,
    )

    synthetic = args.products is None
    products = ocop_sample_products() if synthetic else read_products(args.products)
    source = _SAMPLE_SOURCE if synthetic else str(args.products)
    batch = rate_many(products, rulebook=rulebook(args))
    targets_file = args.targets or ("ha-tinh" if synthetic else None)
    targets = None
    if targets_file == "ha-tinh":
        targets = ha_tinh_ocop_targets()
    elif targets_file is not None:
        targets = OcopTargets.read_all(Path(targets_file))
    section: dict[str, Any] = ocop_section(args.on, products=batch, targets=targets)
    records = batch.to_records(on=args.on)
    if args.format == "json":
        document = {
            "schema": SCHEMA,
            "on": args.on.isoformat(),
            "source": source,
            "synthetic": synthetic,
            "products": records,
            "portfolio": section["portfolio"],
            "progress": section["progress"],
        }
        json.dump(document, out, ensure_ascii=False, indent=2)
        print(file=out)
        return EXIT_OK
    valid_head = f"VALID {args.on.isoformat()}"
    rows = [["CODE", "NAME", "GROUP", "TOTAL", "STARS", "5★ CANDIDATE", "VALID UNTIL", valid_head]]
    for record in records:
        name = str(record["name"])
        rows.append([
            str(record["code"]), name if len(name) <= 32 else name[:31] + "…",
            str(record["group"]), _cell(record["total"]), _cell(record["stars"]),
            _cell(record["five_star_candidate"]), _cell(record["valid_until"]),
            _cell(record["valid"]),
        ])  # fmt: skip
    table(rows, out)
    print(file=out)
    print(f"source: {source}", file=out)
    for line in portfolio_lines(section["portfolio"], lang=args.lang):
        print(line, file=out)
    if section["progress"] is not None:
        for line in progress_lines(section["progress"], lang=args.lang):
            print(line, file=out)
    return EXIT_OK


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm ocop [PRODUCTS] --on DATE [--format table|json] [--lang] [--targets FILE]``."""
    parser = sub.add_parser(
        "ocop",
        parents=[common],
        help="rate OCOP products; portfolio statistics and targets",
        description=(
            "Rate OCOP products under the rules in force on each evaluation date, "
            "and summarise the portfolio on DATE (stars, certificates valid or "
            "expired, yearly increments) against yearly targets."
        ),
    )
    parser.add_argument(
        "products", nargs="?", metavar="PRODUCTS",
        help="products (CSV or JSON); default: the bundled synthetic Hà Tĩnh sample",
    )  # fmt: skip
    parser.add_argument(
        "--on", type=parse_date, required=True,
        help="the date of the portfolio (YYYY-MM-DD)",
    )  # fmt: skip
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--lang", choices=("en", "vi"), default="en")
    parser.add_argument(
        "--targets", metavar="FILE",
        help="a targets TOML file, or 'ha-tinh' for the bundled Hà Tĩnh targets "
             "(default with the bundled sample)",
    )  # fmt: skip
    output_options(parser)
    parser.set_defaults(handler=_cmd_ocop)
