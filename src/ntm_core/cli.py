"""The ``ntm`` command line.

Exit codes are part of the contract: 0 success, 1 bad input (the message
names the file, row, column and value), 2 usage error.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from ntm_core._version import __version__
from ntm_core.exceptions import NtmCoreError

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, TextIO], int]


def _cmd_convert(args: argparse.Namespace, out: TextIO) -> int:
    """Convert a value to a unit and print the exact magnitude."""
    from ntm_core.units import to_canonical  # noqa: PLC0415 - keep `ntm --help` fast

    magnitude = to_canonical(args.value, args.to, field="value", unit=args.unit)
    text = str(magnitude) if magnitude.denominator == 1 else f"{magnitude} (= {float(magnitude):g})"
    print(f"{text} {args.to}", file=out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ntm``, with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="ntm",
        description=(
            "Vietnam's New Rural Development (nông thôn mới) and OCOP criteria as "
            "versioned, cited, executable rules."
        ),
        epilog="Exit codes: 0 success, 1 bad input, 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"ntm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    convert = sub.add_parser(
        "convert",
        help="convert a value with a unit (English or Vietnamese) to a canonical unit",
        description="Convert a value such as '45 triệu đồng/người/năm' to another unit, exactly.",
    )
    convert.add_argument(
        "value", help="the value, with or without a unit, e.g. '45 triệu đồng/người/năm'"
    )
    convert.add_argument(
        "--to", required=True, help="the unit to convert to, e.g. 'VND/person/year'"
    )
    convert.add_argument("--unit", help="the unit of a bare number (default: the --to unit)")
    convert.set_defaults(handler=_cmd_convert)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run ``ntm`` with ``argv`` and return its exit code.

    Errors in the user's input are printed as one line on standard error,
    never as a traceback.
    """
    stream = out if out is not None else sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(stream)
        return EXIT_USAGE
    try:
        return handler(args, stream)
    except ExceptionGroup as group:
        for err in group.exceptions:
            print(f"ntm: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (NtmCoreError, OSError) as err:
        print(f"ntm: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


def run() -> None:  # pragma: no cover - thin wrapper for the console script
    """Entry point of the ``ntm`` console script."""
    sys.exit(main())
