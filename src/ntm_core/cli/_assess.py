"""``ntm assess`` (every unit's tier) and ``ntm explain`` (one unit's decision, explained)."""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ntm_core._core.tables import check_suffix
from ntm_core._core.vocabulary import RuleLevel
from ntm_core.cli._common import (
    EXIT_OK,
    SAMPLE_LABEL,
    UsageError,
    catalog,
    check_scope,
    output_options,
    output_path,
    output_stream,
    parse_date,
    parse_level,
    rulebook,
    sample_rulebook,
)
from ntm_core.exceptions import InputError, NtmCoreError

if TYPE_CHECKING:
    from ntm_core.engine import Observations
    from ntm_core.rules import Rulebook

__all__ = ["add_parsers"]


def _load_inputs(args: argparse.Namespace) -> tuple[Rulebook, Observations]:
    """Rules and observations (of the period assessed, at the level graded) for assess/explain.

    Without DATA: the bundled sample, its illustrative sheet and (unless
    ``--scope`` says otherwise) Hà Tĩnh's rule sets.
    """
    from ntm_core.engine import Ladder, of_level
    from ntm_core.io import read_observations

    book, data = _inputs(args, rulebook(args))
    check_scope(args.scope, (edition.key for edition in book))
    ladder = Ladder.for_level(book, level=args.level, on=args.on, scope=args.scope)
    extra = (ladder.recognition,) if ladder.recognition is not None else ()
    observations = read_observations(
        data,
        catalog=catalog(book, [*ladder.rungs, *extra]),
        units=args.units,
        decimal_comma=True if args.decimal_comma else None,
    )
    periods = sorted(set(observations.periods))
    if args.period is not None:
        if args.period not in periods:
            found = ", ".join(map(str, periods))
            msg = f"no observations for period {args.period}; the data has {found}"
            raise InputError(msg, source=str(data), column="period", value=args.period)
        observations = observations.for_period(args.period)
    elif len(periods) > 1:
        usable = [p for p in periods if p <= args.on.year] or periods
        observations = observations.for_period(usable[-1])
    return book, of_level(observations, args.level)


def _inputs(args: argparse.Namespace, book: Rulebook) -> tuple[Rulebook, Path]:
    """The rules and the observations file: the bundled sample's when DATA is not given."""
    from ntm_core.datasets import HA_TINH_DIR

    if args.data is not None:
        args.scope = args.scope or "vn"
        return book, Path(args.data)
    args.scope = args.scope or "ha-tinh"
    return sample_rulebook(book), HA_TINH_DIR / "sample-observations.csv"


def _cmd_assess(args: argparse.Namespace, out: TextIO) -> int:
    """Assess every unit of a data file."""
    from ntm_core.engine import assess

    target = output_path(args)
    if target is not None:
        check_suffix(target, args.format)  # -o x.json with --format csv is refused at once
    if args.format == "xlsx" and target is None:
        msg = "argument --format: xlsx needs --output FILE (a workbook is not text)"
        raise UsageError(msg)
    book, observations = _load_inputs(args)
    result = assess(observations, on=args.on, level=args.level, rulebook=book, scope=args.scope)
    if args.format == "xlsx":
        assert target is not None  # noqa: S101 - checked above, before the work
        result.to_excel(target, lang=args.lang, force=args.force)
        print(f"wrote {len(result)} units to {target}", file=out)
        return EXIT_OK
    with ExitStack() as stack:
        stream = (
            out if target is None else stack.enter_context(output_stream(target, force=args.force))
        )
        if args.format == "json":
            result.write_json(stream)  # a chunk of units per write, never the whole text
        elif args.format == "csv":
            result.write_csv(stream)
        else:
            label = SAMPLE_LABEL + "\n" if args.data is None else ""
            stream.write(label + result.to_text(lang=args.lang) + "\n")
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    """Explain one unit's decision."""
    from ntm_core.engine import explain, render_text

    book, observations = _load_inputs(args)
    try:
        assessment = explain(
            observations,
            args.unit,
            on=args.on,
            level=args.level,
            rulebook=book,
            scope=args.scope,
        )
    except KeyError as err:
        if isinstance(err, NtmCoreError) and getattr(err, "source", None):
            raise  # already says where
        message = str(err.args[0]) if err.args else f"no unit {args.unit!r}"
        raise InputError(
            message, source=observations.source, column="unit_code", value=args.unit
        ) from None
    if args.format == "json":
        json.dump(assessment.to_dict(), out, ensure_ascii=False, indent=2)
        print(file=out)
    else:
        if args.data is None:
            print(SAMPLE_LABEL, file=out)
        print(render_text(assessment, lang=args.lang), file=out)
    return EXIT_OK


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm assess`` and ``ntm explain``."""
    data = argparse.ArgumentParser(add_help=False, parents=[common])
    data.add_argument(
        "data",
        metavar="DATA",
        nargs="?",
        help="observations: CSV, JSON (or XLSX), long or wide layout (default: the sample)",
    )
    data.add_argument(
        "--on", type=parse_date, required=True, help="the date whose rules apply (YYYY-MM-DD)"
    )
    data.add_argument(
        "--level", type=parse_level, default=RuleLevel.COMMUNE, help="the level graded (commune)"
    )
    data.add_argument(
        "--units", metavar="FILE", help="a units file with name, level, region, group, commune_kind"
    )
    data.add_argument(
        "--period", type=int, help="the assessment year to use when the data has several"
    )
    data.add_argument(
        "--scope",
        help="prefer this scope's rule sets, e.g. ha-tinh (default vn; ha-tinh for the sample)",
    )
    data.add_argument(
        "--decimal-comma",
        action="store_true",
        help="the data writes decimals with a comma (45,5); default: detected from the file",
    )
    output_options(data)
    assess = sub.add_parser("assess", parents=[data], help="decide every unit's tier")
    assess.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    assess.add_argument("--lang", choices=("en", "vi"), default="en")
    assess.set_defaults(handler=_cmd_assess, writes_file=True)
    explain = sub.add_parser("explain", parents=[data], help="explain one unit's decision")
    explain.add_argument("--unit", required=True, metavar="CODE", help="the unit code")
    explain.add_argument("--lang", choices=("en", "vi"), default="en")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(handler=_cmd_explain)
