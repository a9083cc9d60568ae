"""What every ``ntm`` command shares: exit codes, argument types, options, the table printer.

There is one of each here: the ``--on`` date parser, the ``--thresholds``
rulebook loader, the column printer, the ``-o FILE``/``--force`` check.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ntm_core._core import tables
from ntm_core._core.vocabulary import Region, RuleLevel

if TYPE_CHECKING:
    from ntm_core.engine import IndicatorCatalog, Observations
    from ntm_core.rules import Rulebook, RuleSet

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "SAMPLE_LABEL",
    "SAMPLE_SHEET",
    "Handler",
    "UsageError",
    "catalog",
    "check_scope",
    "output_options",
    "output_path",
    "output_stream",
    "parse_date",
    "parse_level",
    "parse_region",
    "province_inputs",
    "rulebook",
    "sample_rulebook",
    "table",
    "thresholds_parser",
    "write_text",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, TextIO], int]

SAMPLE_LABEL = "Bundled Hà Tĩnh sample: real units, SYNTHETIC values, illustrative thresholds."
"""The first line of every text output made on the bundled sample."""

SAMPLE_SHEET = "ntm_core/datasets/ha_tinh/sample-thresholds.csv"
"""How outputs name the bundled sample's threshold sheet."""


class UsageError(Exception):
    """A command line that cannot be run as given (exit 2), found after parsing it."""


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


def sample_rulebook(book: Rulebook) -> Rulebook:
    """``book`` with the bundled sample's illustrative threshold sheet layered on."""
    from ntm_core.datasets import HA_TINH_DIR

    # Named by its place in the package, not on this machine: outputs stay the same everywhere.
    return book.with_thresholds(HA_TINH_DIR / "sample-thresholds.csv", name=SAMPLE_SHEET)


def catalog(book: Rulebook, editions: Sequence[RuleSet]) -> IndicatorCatalog:
    """The indicators of ``editions`` (they win legal codes), then those of every other edition.

    A file covering several periods holds the indicators of each period's
    rule sets (2021 under Decision 1980, 2022 under 318); those of editions
    not in force are read and left unused instead of refused as unknown.
    """
    from ntm_core.engine import IndicatorCatalog

    return IndicatorCatalog.from_editions([*editions, *book])


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


def check_scope(scope: str, keys: Iterable[str]) -> None:
    """Refuse a ``--scope`` that no rule set has, naming the scopes that exist.

    A scope is the first part of a rule-set key (``vn``, ``ha-tinh``).
    """
    scopes = sorted({key.split(".", 1)[0] for key in keys})
    if scope not in scopes:
        msg = f"argument --scope: unknown scope {scope!r}; the rules have {', '.join(scopes)}"
        raise UsageError(msg)


def output_options(parser: argparse.ArgumentParser, *, what: str = "the output") -> None:
    """Add ``-o/--output FILE`` (``-`` is standard output) and ``--force``."""
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help=f"write {what} to FILE ('-' for standard output, the default); "
        "an existing FILE is replaced only with --force",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing --output FILE")


def output_path(args: argparse.Namespace) -> Path | None:
    """The file ``-o`` names, checked; ``None`` for standard output (no ``-o``, or ``-o -``).

    Raises:
        UsageError: The file exists and ``--force`` is not given, or it is a directory.
    """
    target = getattr(args, "output", None)
    if target is None or target == "-":
        return None
    path = Path(target)
    if path.is_dir():
        msg = f"argument --output: {target} is a directory; name a file"
        raise UsageError(msg)
    if (path.exists() or path.is_symlink()) and not getattr(args, "force", False):
        msg = f"argument --output: {target} exists; pass --force to replace it"
        raise UsageError(msg)
    return path


@contextmanager
def output_stream(path: Path, *, force: bool = False) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` whole, or not at all (the one writer)."""
    with tables.open_output(path, force=force) as stream:
        yield stream


def write_text(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` through the one file writer (:func:`ntm_core._core.tables.write_text`).

    Whole or not at all, an existing file or link only with ``force``, nothing left
    behind on failure.
    """
    tables.write_text(path, text, force=force)


def province_inputs(args: argparse.Namespace) -> tuple[Rulebook, str, bool, Observations]:
    """The rules, scope, sample flag and observations of a province command.

    What ``ntm readiness``, ``scenario``, ``plan`` and ``project`` read alike: the
    bundled sample without DATA (Hà Tĩnh only, with its illustrative sheet), else
    DATA read with the indicators of every level's editions in force on ``--on``.
    """
    from ntm_core.datasets import HA_TINH_DIR
    from ntm_core.engine import Ladder
    from ntm_core.exceptions import InputError, RuleNotInForceError
    from ntm_core.io import read_observations

    sample = args.data is None
    scope = args.scope or ("ha-tinh" if args.province == "42" else "vn")
    book = rulebook(args)
    check_scope(scope, (edition.key for edition in book))
    if sample:
        if args.province != "42":
            msg = "the bundled sample covers Hà Tĩnh (--province 42) only; give DATA for another"
            raise InputError(msg, column="province", value=args.province)
        book = sample_rulebook(book)
    editions: list[RuleSet] = []
    for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE):
        try:
            ladder = Ladder.for_level(book, level=level, on=args.on, scope=scope)
        except RuleNotInForceError:
            continue
        editions.extend(ladder.rungs)
        if ladder.recognition is not None:
            editions.append(ladder.recognition)
    data = HA_TINH_DIR / "sample-observations.csv" if sample else Path(args.data)
    observations = read_observations(
        data,
        catalog=catalog(book, editions),
        decimal_comma=True if getattr(args, "decimal_comma", False) else None,
    )
    return book, scope, sample, observations
