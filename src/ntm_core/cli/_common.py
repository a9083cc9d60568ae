"""What every ``ntm`` command shares: exit codes, argument types, options, the table printer.

There is one of each here: the ``--on`` date parser, the ``--thresholds``
rulebook loader, the column printer, the ``-o FILE``/``--force`` check.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from ntm_core._core.vocabulary import Region, RuleLevel

if TYPE_CHECKING:
    from ntm_core.rules import Rulebook

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "Handler",
    "parse_date",
    "parse_level",
    "parse_region",
    "rulebook",
    "table",
    "thresholds_parser",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, TextIO], int]


def parse_date(text: str) -> dt.date:
    """An ISO date for argparse, with a usage error that says what is expected."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date as YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def parse_region(text: str) -> Region:
    """An NTM region for argparse (``BTB``, ``Bắc Trung Bộ``…)."""
    try:
        return Region.from_text(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def parse_level(text: str) -> RuleLevel:
    """A graded level for argparse (``commune``, ``district``…)."""
    try:
        return RuleLevel.from_text(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def rulebook(args: argparse.Namespace) -> Rulebook:
    """The bundled rulebook, with the threshold sheets of ``--thresholds`` layered on."""
    from ntm_core.rules import Rulebook

    book = Rulebook.bundled()
    for sheet in getattr(args, "thresholds", None) or ():
        book = book.with_thresholds(sheet)
    return book


def table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Print rows as left-aligned columns."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)


def thresholds_parser() -> argparse.ArgumentParser:
    """The parent parser of ``--thresholds FILE`` (every command that uses rules)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--thresholds",
        action="append",
        metavar="FILE",
        help="a filled threshold sheet (CSV or XLSX) to layer onto the rules; may repeat",
    )
    return common
