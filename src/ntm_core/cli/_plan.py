"""``ntm plan``: which communes to lift, on which criteria, to complete a province's conditions."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from ntm_core.cli._common import EXIT_OK, output_options
from ntm_core.cli._scenario import SAMPLE_NOTICE, load, province_options, write_rows

__all__ = ["add_parser"]


def _cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    from ntm_core.scenarios import plan

    context = load(args)
    result = plan(context.report(args), unit=args.unit)
    if args.format == "json":
        json.dump(result.to_dict(), out, ensure_ascii=False, indent=2)
        print(file=out)
    elif args.format == "csv":
        write_rows(result.to_rows(lang=args.lang), out)
    else:
        if context.sample:
            print(SAMPLE_NOTICE, file=out)
        print(result.to_text(lang=args.lang), file=out)
    return EXIT_OK


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm plan [DATA] --province CODE --on DATE …``."""
    parser = sub.add_parser(
        "plan",
        parents=[common],
        help="the fewest communes, and the criteria to close in each, that meet the conditions",
    )
    province_options(parser)
    parser.add_argument(
        "--unit", help="plan for this district or town of the province instead of the province"
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    output_options(parser)
    parser.set_defaults(handler=_cmd_plan)
