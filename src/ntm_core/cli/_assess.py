"""``ntm assess`` (every unit's tier) and ``ntm explain`` (one unit's decision, explained)."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypedDict

from ntm_core._core.vocabulary import RuleLevel
from ntm_core.cli._common import (
    EXIT_OK,
    SAMPLE_LABEL,
    catalog,
    check_scope,
    output_options,
    parse_date,
    parse_level,
    rulebook,
    sample_rulebook,
    table,
)
from ntm_core.exceptions import InputError, NtmCoreError

if TYPE_CHECKING:
    from ntm_core.engine import BatchResult, Observations
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
    from ntm_core.engine import assess

    book, observations = _load_inputs(args)
    result = assess(observations, on=args.on, level=args.level, rulebook=book, scope=args.scope)
    ladder = result.ladder
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
    if args.data is None:
        print(SAMPLE_LABEL, file=out)
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
    table(rows, out)
    counts: dict[str, int] = {}
    for item in summaries:
        counts[str(item["tier"])] = counts.get(str(item["tier"]), 0) + 1
    summary = ", ".join(f"{n} {tier}" for tier, n in sorted(counts.items()))
    print(f"\n{len(summaries)} units under {', '.join(ladder.ids)}: {summary}", file=out)
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
    assess.add_argument("--format", choices=("table", "json", "csv"), default="table")
    assess.set_defaults(handler=_cmd_assess)
    explain = sub.add_parser("explain", parents=[data], help="explain one unit's decision")
    explain.add_argument("--unit", required=True, metavar="CODE", help="the unit code")
    explain.add_argument("--lang", choices=("en", "vi"), default="en")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(handler=_cmd_explain)
