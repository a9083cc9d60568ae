"""``ntm assess`` (every unit's tier) and ``ntm explain`` (one unit's decision, explained)."""

from __future__ import annotations

import argparse
import csv
import io
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
    import numpy as np
    import numpy.typing as npt

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


_CHUNK = 4096
"""Units rendered per chunk: output is written chunk by chunk, never held whole."""


class _Rows:
    """Per-unit fields of ``ntm assess``, computed a chunk of rows at a time."""

    def __init__(self, result: BatchResult) -> None:
        from ntm_core.engine import CODES

        self.result = result
        self.names = {v: k.value for k, v in CODES.items()}
        self.keys = list(
            dict.fromkeys(i.key for rung in result.ladder.rungs for _, i in rung.indicators())
        )
        self.criteria = result.criterion_outcomes[0] if result.criterion_outcomes else {}
        self.tiers = [t.value if t is not None else "unknown" for t in result.tiers()]
        self.at_least = [t.value for t in result.tiers_at_least()]
        self.outcomes = [o.value for o in result.outcomes()]
        self.met = result.criteria_met()

    def missing(self, start: int, stop: int) -> npt.NDArray[np.bool_]:
        """Rows × indicator keys: whether the value is missing."""
        import numpy as np

        columns = self.result.observations.columns
        out = np.ones((stop - start, len(self.keys)), dtype=bool)
        for j, key in enumerate(self.keys):
            if key in columns:
                np.logical_not(columns[key].present[start:stop], out=out[:, j])
        return out

    def outcome_columns(self, start: int, stop: int) -> dict[str, list[str]]:
        """Criterion code → the outcome of each row (rung 0)."""
        names = self.names
        return {
            code: [names[c] for c in codes[start:stop].tolist()]
            for code, codes in self.criteria.items()
        }

    def summaries(self, start: int, stop: int) -> list[_Summary]:
        """The stable JSON fields of rows ``start:stop``."""
        import numpy as np

        observations = self.result.observations
        names = observations.attributes.get("name")
        missing = self.missing(start, stop)
        rows, cols = np.nonzero(missing)
        per_row = np.split(cols, np.cumsum(np.bincount(rows, minlength=stop - start))[:-1])
        outcomes = self.outcome_columns(start, stop)
        met = self.met[start:stop].tolist()
        out: list[_Summary] = []
        for i, row in enumerate(range(start, stop)):
            out.append(
                _Summary(
                    unit=observations.codes[row],
                    name=None if names is None else names[row],
                    period=observations.periods[row],
                    tier=self.tiers[row],
                    tier_at_least=self.at_least[row],
                    outcome=self.outcomes[row],
                    criteria_met=met[i],
                    criteria=[{"code": c, "outcome": o[i]} for c, o in outcomes.items()],
                    missing=[self.keys[j] for j in per_row[i].tolist()],
                )
            )
        return out

    def csv_rows(self, start: int, stop: int, codes: list[str]) -> list[list[object]]:
        """The ``--format csv`` rows of ``start:stop``."""
        observations = self.result.observations
        names = observations.attributes.get("name")
        missing = self.missing(start, stop).sum(axis=1).tolist()
        outcomes = self.outcome_columns(start, stop)
        columns = [outcomes[c] for c in codes]
        met = self.met[start:stop].tolist()
        return [
            [
                observations.codes[row],
                (names[row] if names is not None else None) or "",
                observations.periods[row],
                self.tiers[row],
                self.outcomes[row],
                met[i],
                missing[i],
                *(column[i] for column in columns),
            ]
            for i, row in enumerate(range(start, stop))
        ]


def _write_json(rows: _Rows, out: TextIO) -> None:
    """The JSON list of unit summaries, one ``write`` per chunk of units.

    Byte for byte what ``json.dump(summaries, out, ensure_ascii=False, indent=2)`` writes.
    """
    n = len(rows.result)
    if not n:
        out.write("[]\n")
        return
    for start in range(0, n, _CHUNK):
        chunk = json.dumps(
            rows.summaries(start, min(start + _CHUNK, n)), ensure_ascii=False, indent=2
        )
        # "[\n  {...},\n  {...}\n]": keep the items, join chunks as one list
        out.write(("[\n" if start == 0 else ",\n") + chunk[2:-2])
    out.write("\n]\n")


def _write_csv(rows: _Rows, codes: list[str], out: TextIO) -> None:
    """The ``--format csv`` table, one ``write`` per chunk of units."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["unit", "name", "period", "tier", "outcome", "criteria_met", "missing", *codes]
    )
    n = len(rows.result)
    for start in range(0, n, _CHUNK):
        writer.writerows(rows.csv_rows(start, min(start + _CHUNK, n), codes))
        out.write(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    out.write(buffer.getvalue())


def _cmd_assess(args: argparse.Namespace, out: TextIO) -> int:
    """Assess every unit of a data file."""
    from ntm_core.engine import assess

    book, observations = _load_inputs(args)
    result = assess(observations, on=args.on, level=args.level, rulebook=book, scope=args.scope)
    ladder = result.ladder
    rows = _Rows(result)
    if args.format == "json":
        _write_json(rows, out)
        return EXIT_OK
    codes = [c.code for c in ladder.rungs[0].criteria] if ladder.rungs else []
    if args.format == "csv":
        _write_csv(rows, codes, out)
        return EXIT_OK
    if args.data is None:
        print(SAMPLE_LABEL, file=out)
    summaries = rows.summaries(0, len(result))
    total = len(codes)
    table_rows = [["UNIT", "NAME", "PERIOD", "TIER", "CRITERIA MET", "MISSING"]]
    table_rows.extend(
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
    table(table_rows, out)
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
