"""``ntm ocop``: rate OCOP products, print them and the portfolio against the targets."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from ntm_core.cli._common import (
    EXIT_OK,
    UsageError,
    output_options,
    output_path,
    parse_date,
    rulebook,
    write_text,
)

__all__ = ["add_parser"]

_SAMPLE_SOURCE = "bundled Hà Tĩnh sample (SYNTHETIC)"
_SAMPLE_SOURCE_VI = "dữ liệu mẫu Hà Tĩnh kèm theo (GIẢ LẬP)"


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

    target = output_path(args)
    if args.format == "xlsx" and target is None:
        msg = "argument --format: xlsx is written to a file; give -o FILE.xlsx"
        raise UsageError(msg)
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
    if args.format == "xlsx" and target is not None:  # without -o refused above
        batch.to_excel(target, on=args.on, targets=targets, lang=args.lang, force=args.force)
        return EXIT_OK
    section: dict[str, Any] = ocop_section(args.on, products=batch, targets=targets)
    if args.format == "json":
        document = {
            "schema": SCHEMA,
            "on": args.on.isoformat(),
            "source": source,
            "synthetic": synthetic,
            "products": batch.to_records(on=args.on),
            "portfolio": section["portfolio"],
            "progress": section["progress"],
        }
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        vi = args.lang == "vi"
        shown = (_SAMPLE_SOURCE_VI if vi else _SAMPLE_SOURCE) if synthetic else source
        lines = [f"{'nguồn' if vi else 'source'}: {shown}"]
        lines += portfolio_lines(section["portfolio"], lang=args.lang)
        if section["progress"] is not None:
            lines += progress_lines(section["progress"], lang=args.lang)
        text = batch.to_text(on=args.on, lang=args.lang) + "\n" + "\n".join(lines) + "\n"
    if target is None:
        out.write(text)
    else:
        write_text(target, text)
    return EXIT_OK


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm ocop [PRODUCTS] --on DATE [--format table|json|xlsx] [--lang] [--targets F]``."""
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
    parser.add_argument(
        "--format",
        choices=("table", "json", "xlsx"),
        default="table",
        help="the output format (xlsx needs -o FILE)",
    )
    parser.add_argument(
        "--lang", choices=("en", "vi"), default="en", help="the language of the output"
    )
    parser.add_argument(
        "--targets", metavar="FILE",
        help="a targets TOML file, or 'ha-tinh' for the bundled Hà Tĩnh targets "
             "(default with the bundled sample)",
    )  # fmt: skip
    output_options(parser)
    # The command writes -o FILE itself: a workbook is bytes, not text.
    parser.set_defaults(handler=_cmd_ocop, writes_file=True)
