"""The ``ntm`` command line.

Exit codes are part of the contract: 0 success, 1 bad input (the message
names the file, row, column and value), 2 usage error.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from ntm_core._version import __version__
from ntm_core._vocabulary import Provenance, Region
from ntm_core.exceptions import NtmCoreError
from ntm_core.rules._model import Selection, Threshold

if TYPE_CHECKING:
    from ntm_core.rules import Rulebook

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, TextIO], int]


def _cmd_convert(args: argparse.Namespace, out: TextIO) -> int:
    """Convert a value to a unit and print the exact magnitude."""
    from ntm_core.units import to_canonical

    magnitude = to_canonical(args.value, args.to, field="value", unit=args.unit)
    text = str(magnitude) if magnitude.denominator == 1 else f"{magnitude} (= {float(magnitude):g})"
    print(f"{text} {args.to}", file=out)
    return EXIT_OK


def _rulebook(args: argparse.Namespace) -> Rulebook:
    """The bundled rulebook, with the threshold sheets of ``--thresholds`` layered on."""
    from ntm_core.rules import Rulebook

    book = Rulebook.bundled()
    for sheet in getattr(args, "thresholds", None) or ():
        book = book.with_thresholds(sheet)
    return book


def _parse_date(text: str) -> dt.date:
    """An ISO date for argparse, with a usage error that says what is expected."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date as YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _parse_region(text: str) -> Region:
    try:
        return Region.from_text(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Print rows as left-aligned columns."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)


def _cmd_rules_list(args: argparse.Namespace, out: TextIO) -> int:
    """List every edition with its validity, instrument and provenance counts."""
    book = _rulebook(args)
    rows = [["RULE SET", "EDITION", "VALID FROM", "VALID TO", "INSTRUMENT", "VERIFIED", "SECONDARY",
             "UNVERIFIED", "ILLUSTRATIVE"]]  # fmt: skip
    for edition in book:
        counts = edition.provenance_counts()
        rows.append([
            edition.key, edition.edition, edition.valid_from.isoformat(),
            edition.valid_to.isoformat() if edition.valid_to else "(open)",
            edition.instrument.number,
            *(str(counts[p]) for p in Provenance),
        ])  # fmt: skip
    _table(rows, out)
    return EXIT_OK


def _threshold_text(threshold: Threshold, unit: str | None) -> str:
    value = threshold.value
    if isinstance(value, bool):
        shown = "Đạt" if value else "không"
    elif value is None:
        shown = "?"
    else:
        shown = str(value) if value.denominator == 1 else format(float(value), "g")
        shown = f"{shown} {unit}" if unit else shown
    selectors = ", ".join(f"{k}={v}" for k, v in threshold.selectors().items())
    where = f" [{selectors}]" if selectors else ""
    return f"{shown}{where} ({threshold.provenance.value}; {threshold.citation})"


def _cmd_rules_show(args: argparse.Namespace, out: TextIO) -> int:
    """Show one edition: criteria, indicators, thresholds, citations."""
    from ntm_core.rules import ruleset_to_dict

    book = _rulebook(args)
    edition = book.get(args.spec, on=args.on)
    if args.region is not None or args.on is not None:
        edition = edition.restricted_to(
            Selection(region=args.region, year=args.on.year if args.on else None)
        )
    if args.format == "json":
        json.dump(ruleset_to_dict(edition), out, ensure_ascii=False, indent=2)
        print(file=out)
        return EXIT_OK
    print(f"{edition.id}  {edition.title_vi}", file=out)
    print(f"  {edition.title_en}", file=out)
    print(f"  in force {edition.validity_text()}; instrument {edition.instrument}", file=out)
    if edition.refines:
        print(f"  refines {edition.refines}", file=out)
    if edition.note:
        print(f"  note: {edition.note}", file=out)
    for criterion in edition.criteria:
        print(f"\n{criterion.code}. {criterion.name_vi} ({criterion.name_en})", file=out)
        for indicator in criterion.indicators:
            head = f"  {indicator.code} {indicator.name_vi} [{indicator.key}]"
            print(f"{head} {indicator.comparator.value}", file=out)
            if not indicator.thresholds:
                print(
                    "      threshold unknown (evaluates to UNKNOWN until a sheet supplies it)",
                    file=out,
                )
            for threshold in indicator.thresholds:
                print(f"      {_threshold_text(threshold, indicator.unit)}", file=out)
    return EXIT_OK


def _cmd_rules_diff(args: argparse.Namespace, out: TextIO) -> int:
    """Print what changed between two editions."""
    from ntm_core.rules import diff

    book = _rulebook(args)
    print(diff(book.get(args.a), book.get(args.b)), file=out)
    return EXIT_OK


def _cmd_rules_template(args: argparse.Namespace, out: TextIO) -> int:
    """Write a threshold sheet to fill from the official text."""
    from ntm_core.rules import write_template

    book = _rulebook(args)
    edition = book.get(args.spec)
    text = write_template(edition, args.output, region=args.region)
    if args.output is None:
        out.write(text)
    else:
        rows = text.count("\n") - 1
        print(f"wrote {rows} rows for {edition.id} to {args.output}", file=out)
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

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--thresholds", action="append", metavar="FILE",
        help="a filled threshold sheet (CSV or XLSX) to layer onto the rules; may repeat",
    )  # fmt: skip
    rules = sub.add_parser("rules", help="browse the versioned rule sets")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = rules_sub.add_parser(
        "list",
        parents=[common],
        help="every edition, its validity, instrument and provenance counts",
    )
    listing.set_defaults(handler=_cmd_rules_list)
    show = rules_sub.add_parser(
        "show", parents=[common], help="criteria, indicators, thresholds, citations"
    )
    show.add_argument("spec", metavar="KEY[@EDITION]", help="e.g. vn.commune.standard@2021-2025")
    show.add_argument(
        "--region", type=_parse_region, help="only the thresholds for this NTM region"
    )
    show.add_argument(
        "--on", type=_parse_date, help="the date (YYYY-MM-DD); picks the edition in force"
    )
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(handler=_cmd_rules_show)
    changes = rules_sub.add_parser(
        "diff", parents=[common], help="what changed between two editions"
    )
    changes.add_argument("a", metavar="KEY@A")
    changes.add_argument("b", metavar="KEY@B")
    changes.set_defaults(handler=_cmd_rules_diff)
    template = rules_sub.add_parser(
        "template", parents=[common], help="write a threshold sheet to fill from the official text"
    )
    template.add_argument("spec", metavar="KEY@EDITION")
    template.add_argument("--region", type=_parse_region, help="only rows for this NTM region")
    template.add_argument(
        "--output", "-o", help="write to FILE (.csv, or .xlsx with openpyxl); default stdout"
    )
    template.set_defaults(handler=_cmd_rules_template)
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
    except KeyError as err:  # unknown rule set, edition or indicator named on the command line
        print(f"ntm: error: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE
    except (NtmCoreError, OSError) as err:
        print(f"ntm: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


def run() -> None:  # pragma: no cover - thin wrapper for the console script
    """Entry point of the ``ntm`` console script."""
    sys.exit(main())
