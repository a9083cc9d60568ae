"""The ``ntm`` command line.

Exit codes are part of the contract: 0 success, 1 bad input (the message
names the file, row, column and value), 2 usage error.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypedDict

from ntm_core._core.vocabulary import Provenance, Region, RuleLevel
from ntm_core._version import __version__
from ntm_core.exceptions import InputError, NtmCoreError, RuleNotInForceError
from ntm_core.rules._model import Selection, Threshold

if TYPE_CHECKING:
    from ntm_core.engine import BatchResult, Ladder, Observations
    from ntm_core.rules import Rulebook, RuleSet

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


def _parse_level(text: str) -> RuleLevel:
    try:
        return RuleLevel.from_text(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _load_assessment_inputs(args: argparse.Namespace) -> tuple[Rulebook, Ladder, Observations]:
    """Rules, ladder and observations (of the period assessed) for assess/explain."""
    from ntm_core.engine import Ladder
    from ntm_core.io import read_observations

    book = _rulebook(args)
    ladder = Ladder.for_level(book, level=args.level, on=args.on, scope=args.scope)
    observations = read_observations(args.data, catalog=ladder.catalog(), units=args.units)
    periods = sorted(set(observations.periods))
    if args.period is not None:
        if args.period not in periods:
            found = ", ".join(map(str, periods))
            msg = f"no observations for period {args.period}; the data has {found}"
            raise InputError(msg, source=str(args.data), column="period", value=args.period)
        observations = observations.for_period(args.period)
    elif len(periods) > 1:
        usable = [p for p in periods if p <= args.on.year] or periods
        observations = observations.for_period(usable[-1])
    from ntm_core.engine import of_level

    return book, ladder, of_level(observations, args.level)


class _Summary(TypedDict):
    unit: str
    name: str | None
    period: int
    tier: str
    tier_at_least: str
    outcome: str
    criteria_met: int
    criteria: list[dict[str, str]]
    missing: list[str]


def _unit_summaries(result: BatchResult) -> list[_Summary]:
    """Per unit: the stable JSON fields of ``ntm assess``."""
    from ntm_core.engine import CODES

    inverse = {v: k.value for k, v in CODES.items()}
    observations = result.observations
    keys = list(dict.fromkeys(i.key for rung in result.ladder.rungs for _, i in rung.indicators()))
    absent = {
        key: (~observations.columns[key].present if key in observations.columns else None)
        for key in keys
    }
    tiers = result.tiers()
    at_least = result.tiers_at_least()
    outcomes = result.outcomes()
    met = result.criteria_met()
    out: list[_Summary] = []
    for row, code in enumerate(observations.codes):
        tier = tiers[row]
        criteria = result.criterion_outcomes[0] if result.criterion_outcomes else {}
        out.append(
            _Summary(
                unit=code,
                name=observations.attribute("name", row),
                period=observations.periods[row],
                tier=tier.value if tier is not None else "unknown",
                tier_at_least=at_least[row].value,
                outcome=outcomes[row].value,
                criteria_met=int(met[row]),
                criteria=[
                    {"code": c, "outcome": inverse[int(a[row])]} for c, a in criteria.items()
                ],
                missing=[k for k, m in absent.items() if m is None or bool(m[row])],
            )
        )
    return out


def _cmd_assess(args: argparse.Namespace, out: TextIO) -> int:
    """Assess every unit of a data file."""
    from ntm_core.engine import evaluate_batch, selections

    book, ladder, observations = _load_assessment_inputs(args)
    result = evaluate_batch(
        ladder, observations, selections(observations), rules_hash=book.content_hash(ladder.ids)
    )
    summaries = _unit_summaries(result)
    if args.format == "json":
        json.dump(summaries, out, ensure_ascii=False, indent=2)
        print(file=out)
        return EXIT_OK
    codes = [c.code for c in ladder.rungs[0].criteria] if ladder.rungs else []
    if args.format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["unit", "name", "period", "tier", "outcome", "criteria_met", "missing", *codes]
        )
        for item in summaries:
            outcomes = {c["code"]: c["outcome"] for c in item["criteria"]}
            writer.writerow(
                [
                    item["unit"],
                    item["name"] or "",
                    item["period"],
                    item["tier"],
                    item["outcome"],
                    item["criteria_met"],
                    len(item["missing"]),
                    *(outcomes[c] for c in codes),
                ]
            )
        return EXIT_OK
    total = len(codes)
    rows = [["UNIT", "NAME", "PERIOD", "TIER", "CRITERIA MET", "MISSING"]]
    rows.extend(
        [
            str(item["unit"]),
            str(item["name"] or ""),
            str(item["period"]),
            str(item["tier"]),
            f"{item['criteria_met']}/{total}",
            str(len(item["missing"])),
        ]
        for item in summaries
    )
    _table(rows, out)
    counts: dict[str, int] = {}
    for item in summaries:
        counts[str(item["tier"])] = counts.get(str(item["tier"]), 0) + 1
    summary = ", ".join(f"{n} {tier}" for tier, n in sorted(counts.items()))
    print(f"\n{len(summaries)} units under {', '.join(ladder.ids)}: {summary}", file=out)
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    """Explain one unit's decision."""
    from ntm_core.engine import render_text, selections
    from ntm_core.engine._scalar import assess_row

    book, ladder, observations = _load_assessment_inputs(args)
    try:
        row = observations.row_of(args.unit)
    except KeyError as err:
        raise InputError(
            str(err.args[0]), source=str(args.data), column="unit_code", value=args.unit
        ) from None
    one = observations.select([row])
    assessment = assess_row(
        ladder, one, 0, selections(one)[0], rules_hash=book.content_hash(ladder.ids)
    )
    if args.format == "json":
        json.dump(assessment.to_dict(), out, ensure_ascii=False, indent=2)
        print(file=out)
    else:
        print(render_text(assessment, lang=args.lang), file=out)
    return EXIT_OK


def _cmd_readiness(args: argparse.Namespace, out: TextIO) -> int:  # noqa: PLR0912 - one branch per option
    """The province readiness report (on the bundled Hà Tĩnh sample when no DATA is given)."""
    from ntm_core.admin import AdminSnapshot, load_units_csv
    from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
    from ntm_core.engine import IndicatorCatalog, Ladder
    from ntm_core.io import read_observations
    from ntm_core.readiness import assess_province, read_recognitions, read_targets
    from ntm_core.readiness._render import (
        readiness_html,
        readiness_markdown,
        readiness_text,
        readiness_to_dict,
    )

    sample = args.data is None
    scope = args.scope or ("ha-tinh" if args.province == "42" else "vn")
    book = _rulebook(args)
    if sample:
        if args.province != "42":
            msg = "the bundled sample covers Hà Tĩnh (--province 42) only; give DATA for another"
            raise InputError(msg, column="province", value=args.province)
        book = book.with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
    editions: list[RuleSet] = []
    for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE):
        try:
            ladder = Ladder.for_level(book, level=level, on=args.on, scope=scope)
        except RuleNotInForceError:
            continue
        editions.extend(ladder.rungs)
        if ladder.recognition is not None:
            editions.append(ladder.recognition)
    catalog = IndicatorCatalog.from_editions(editions)
    data = HA_TINH_DIR / "sample-observations.csv" if sample else Path(args.data)
    observations = read_observations(data, catalog=catalog)
    if args.units:
        units = [u for u in load_units_csv(args.units) if u.exists_on(args.on)]
        tree = AdminSnapshot(on=args.on, units=units)
    elif args.province == "42":
        tree = ha_tinh_tree().as_of(args.on)
    else:
        msg = "give --units FILE (code, name, level, parent_code) for a province other than Hà Tĩnh"
        raise InputError(msg, column="units")
    recognitions = (
        read_recognitions(args.recognitions)
        if args.recognitions
        else (read_recognitions(HA_TINH_DIR / "recognitions.csv") if sample else [])
    )
    targets = (
        read_targets(args.targets)
        if args.targets
        else (read_targets(HA_TINH_DIR / "targets.toml") if sample else [])
    )
    report = assess_province(
        observations,
        tree=tree,
        province=args.province,
        on=args.on,
        period=args.period,
        target_year=args.target,
        rulebook=book,
        scope=scope,
        recognitions=recognitions,
        targets=targets,
        synthetic=sample,
    )
    ocop_data, ocop_lines = _ocop_section(args, sample=sample)
    if args.format == "json":
        json.dump(readiness_to_dict(report, ocop=ocop_data), out, ensure_ascii=False, indent=2)
        print(file=out)
    elif args.format == "md":
        out.write(readiness_markdown(report, ocop=ocop_data))
    elif args.format == "html":
        out.write(readiness_html(report, ocop=ocop_data))
    else:
        if sample:
            print(
                "Bundled Hà Tĩnh sample: real units, SYNTHETIC values, illustrative thresholds.",
                file=out,
            )
        print(readiness_text(report, ocop_lines=ocop_lines), file=out)
    return EXIT_OK


def _ocop_section(
    args: argparse.Namespace, *, sample: bool
) -> tuple[dict[str, object] | None, list[str]]:
    """The OCOP portfolio section of the readiness report (the sample's, or ``--products``)."""
    from ntm_core.ocop import ocop_section, read_products, render_ocop_section

    if args.products:
        section = ocop_section(args.on, products=read_products(args.products))
    elif sample:
        section = ocop_section(args.on)
    else:
        return None, []
    return section, render_ocop_section(section)


def build_parser() -> argparse.ArgumentParser:  # noqa: PLR0915 - one statement per option
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
        "--thresholds",
        action="append",
        metavar="FILE",
        help="a filled threshold sheet (CSV or XLSX) to layer onto the rules; may repeat",
    )
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

    data = argparse.ArgumentParser(add_help=False, parents=[common])
    data.add_argument(
        "data", metavar="DATA", help="observations: CSV, JSON (or XLSX), long or wide layout"
    )
    data.add_argument(
        "--on", type=_parse_date, required=True, help="the date whose rules apply (YYYY-MM-DD)"
    )
    data.add_argument(
        "--level", type=_parse_level, default=RuleLevel.COMMUNE, help="the level graded (commune)"
    )
    data.add_argument(
        "--units", metavar="FILE", help="a units file with name, level, region, group, commune_kind"
    )
    data.add_argument(
        "--period", type=int, help="the assessment year to use when the data has several"
    )
    data.add_argument(
        "--scope", default="vn", help="prefer this scope's rule sets, e.g. ha-tinh (default vn)"
    )
    assess = sub.add_parser("assess", parents=[data], help="decide every unit's tier")
    assess.add_argument("--format", choices=("table", "json", "csv"), default="table")
    assess.set_defaults(handler=_cmd_assess)
    explain = sub.add_parser("explain", parents=[data], help="explain one unit's decision")
    explain.add_argument("--unit", required=True, metavar="CODE", help="the unit code")
    explain.add_argument("--lang", choices=("en", "vi"), default="en")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(handler=_cmd_explain)

    from ntm_core.ocop import add_ocop_parser

    add_ocop_parser(sub, [common])

    readiness = sub.add_parser(
        "readiness",
        parents=[common],
        help="province readiness report (bundled Hà Tĩnh sample by default)",
    )
    readiness.add_argument(
        "data", metavar="DATA", nargs="?", help="observations of every level (default: the sample)"
    )
    readiness.add_argument(
        "--province", default="42", help="the province code (default 42, Hà Tĩnh)"
    )
    readiness.add_argument(
        "--on", type=_parse_date, required=True, help="the date whose rules apply (YYYY-MM-DD)"
    )
    readiness.add_argument("--target", type=int, help="the target year, e.g. 2025")
    readiness.add_argument(
        "--period", type=int, help="the assessment year (default: the latest not after --on)"
    )
    readiness.add_argument(
        "--units", metavar="FILE", help="administrative units (code, name, level, parent_code)"
    )
    readiness.add_argument("--recognitions", metavar="FILE", help="recognition decisions CSV")
    readiness.add_argument("--targets", metavar="FILE", help="plan targets TOML")
    readiness.add_argument(
        "--products", metavar="FILE", help="OCOP products CSV for the OCOP section"
    )
    readiness.add_argument(
        "--scope", help="prefer this scope's rule sets (default: ha-tinh for 42, else vn)"
    )
    readiness.add_argument("--format", choices=("table", "json", "md", "html"), default="table")
    readiness.set_defaults(handler=_cmd_readiness)
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
