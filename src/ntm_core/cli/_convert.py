"""``ntm convert``: a value with a unit, converted exactly."""

from __future__ import annotations

import argparse
from typing import TextIO

from ntm_core.cli._common import EXIT_OK
from ntm_core.exceptions import InputError, NtmCoreError

__all__ = ["add_parser"]


def _cmd_convert(args: argparse.Namespace, out: TextIO) -> int:
    """Convert a value to a unit and print the exact magnitude."""
    from ntm_core.units import to_canonical

    try:
        magnitude = to_canonical(args.value, args.to, field="value", unit=args.unit)
    except NtmCoreError:
        raise
    except ValueError as err:  # a unit the registry does not know (units raise a builtin)
        raise InputError(str(err), value=args.to) from None
    text = str(magnitude) if magnitude.denominator == 1 else f"{magnitude} (= {float(magnitude):g})"
    print(f"{text} {args.to}", file=out)
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ntm convert VALUE --to UNIT [--unit UNIT]``."""
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
