"""``ntm rules list|show|diff|template``: browse the versioned rule sets."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from ntm_core._core.vocabulary import Provenance
from ntm_core.cli._common import (
    EXIT_OK,
    output_options,
    output_path,
    parse_date,
    parse_region,
    rulebook,
    table,
)
from ntm_core.rules import Selection, Threshold

__all__ = ["add_parser"]


def _cmd_rules_list(args: argparse.Namespace, out: TextIO) -> int:
    """List every edition with its validity, instrument and provenance counts."""
    book = rulebook(args)
    rows = [
        [
            "RULE SET",
            "EDITION",
            "VALID FROM",
            "VALID TO",
            "INSTRUMENT",
            "VERIFIED",
            "SECONDARY",
            "UNVERIFIED",
            "ILLUSTRATIVE",
        ]
    ]
    for edition in book:
        counts = edition.provenance_counts()
        rows.append(
            [
                edition.key,
                edition.edition,
                edition.valid_from.isoformat(),
                edition.valid_to.isoformat() if edition.valid_to else "(open)",
                edition.instrument.number,
                *(str(counts[p]) for p in Provenance),
            ]
        )
    table(rows, out)
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

    book = rulebook(args)
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

    book = rulebook(args)
    print(diff(book.get(args.a), book.get(args.b)), file=out)
    return EXIT_OK


def _cmd_rules_template(args: argparse.Namespace, out: TextIO) -> int:
    """Write a threshold sheet to fill from the official text."""
    from ntm_core.rules import write_template

    path = output_path(args)  # refuses an existing file without --force, before any work
    book = rulebook(args)
    edition = book.get(args.spec)
    text = write_template(edition, path, region=args.region, force=args.force)
    if path is None:
        out.write(text)
    else:
        rows = text.count("\n") - 1
        print(f"wrote {rows} rows for {edition.id} to {path}", file=out)
    return EXIT_OK


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm rules list|show|diff|template``."""
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
    show.add_argument("--region", type=parse_region, help="only the thresholds for this NTM region")
    show.add_argument(
        "--on", type=parse_date, help="the date (YYYY-MM-DD); picks the edition in force"
    )
    show.add_argument("--format", choices=("table", "json"), default="table")
    output_options(show)
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
    template.add_argument("--region", type=parse_region, help="only rows for this NTM region")
    output_options(template, what="the sheet (.csv, or .xlsx with openpyxl)")
    template.set_defaults(handler=_cmd_rules_template, writes_file=True)
