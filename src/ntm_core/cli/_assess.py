"""``ntm assess`` (every unit's tier) and ``ntm explain`` (one unit's decision, explained)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from json.encoder import encode_basestring
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
        import numpy as np

        names = np.empty(max(self.names) + 1, dtype=object)
        for code, name in self.names.items():
            names[code] = name
        return {code: names[codes[start:stop]].tolist() for code, codes in self.criteria.items()}

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

    def csv_text(self, start: int, stop: int, codes: list[str]) -> str:
        """The ``--format csv`` lines of rows ``start:stop``.

        What the csv module's writer writes, one line per row (tests compare
        the two), joined column-wise with no Python code per row.
        """
        observations = self.result.observations
        names = observations.attributes.get("name")
        outcomes = self.outcome_columns(start, stop)
        columns = [
            map(_csv_field, observations.codes[start:stop]),
            [""] * (stop - start)
            if names is None
            else [_csv_field(n) if n else "" for n in names[start:stop]],
            map(str, observations.periods[start:stop]),
            self.tiers[start:stop],
            self.outcomes[start:stop],
            map(str, self.met[start:stop].tolist()),
            map(str, self.missing(start, stop).sum(axis=1).tolist()),
            *(outcomes[c] for c in codes),
        ]
        return "".join(line + "\n" for line in map(",".join, zip(*columns, strict=True)))


_CSV_SPECIAL = re.compile(r'[,"\r\n]')


def _csv_field(text: str) -> str:
    """``text`` as the csv module writes it (quoted when it must be, which it decides)."""
    if _CSV_SPECIAL.search(text) is None:
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text])
    return buffer.getvalue()[:-1]


def _json_list(items: list[str], indent: str) -> str:
    """A JSON list of already-rendered items, laid out as ``json.dumps(indent=2)`` does."""
    if not items:
        return "[]"
    return f"[\n{indent}  " + f",\n{indent}  ".join(items) + f"\n{indent}]"


def _json_items(rows: _Rows, start: int, stop: int) -> str:
    """Rows ``start:stop`` as items of the ``ntm assess`` JSON list, comma-separated.

    Byte for byte what ``json.dumps(summaries, ensure_ascii=False, indent=2)``
    writes for them (tests compare the two), but rendered from the arrays with
    precomputed fragments: the stdlib encoder is pure Python once indenting.
    """
    import numpy as np

    quote = encode_basestring
    observations = rows.result.observations
    names = observations.attributes.get("name")
    criteria = [(quote(code), array[start:stop].tolist()) for code, array in rows.criteria.items()]
    fragments = {
        code: {
            value: f'{{\n        "code": {code},\n        "outcome": {quote(name)}\n      }}'
            for value, name in rows.names.items()
        }
        for code, _ in criteria
    }
    keys = [quote(k) for k in rows.keys]
    missing = rows.missing(start, stop)
    where, columns = np.nonzero(missing)
    per_row = np.split(columns, np.cumsum(np.bincount(where, minlength=stop - start))[:-1])
    met = rows.met[start:stop].tolist()
    items = []
    for i, row in enumerate(range(start, stop)):
        name = None if names is None else names[row]
        listed = _json_list([fragments[code][values[i]] for code, values in criteria], "    ")
        absent = _json_list([keys[j] for j in per_row[i].tolist()], "    ")
        items.append(
            f"  {{\n"
            f'    "unit": {quote(observations.codes[row])},\n'
            f'    "name": {"null" if name is None else quote(name)},\n'
            f'    "period": {observations.periods[row]},\n'
            f'    "tier": {quote(rows.tiers[row])},\n'
            f'    "tier_at_least": {quote(rows.at_least[row])},\n'
            f'    "outcome": {quote(rows.outcomes[row])},\n'
            f'    "criteria_met": {met[i]},\n'
            f'    "criteria": {listed},\n'
            f'    "missing": {absent}\n'
            f"  }}"
        )
    return ",\n".join(items)


def _write_json(rows: _Rows, out: TextIO) -> None:
    """The JSON list of unit summaries, one ``write`` per chunk of units.

    Byte for byte what ``json.dump(summaries, out, ensure_ascii=False, indent=2)`` writes.
    """
    n = len(rows.result)
    if not n:
        out.write("[]\n")
        return
    for start in range(0, n, _CHUNK):
        text = _json_items(rows, start, min(start + _CHUNK, n))
        out.write(("[\n" if start == 0 else ",\n") + text)
    out.write("\n]\n")


def _write_csv(rows: _Rows, codes: list[str], out: TextIO) -> None:
    """The ``--format csv`` table, one ``write`` per chunk of units."""
    header = ["unit", "name", "period", "tier", "outcome", "criteria_met", "missing", *codes]
    out.write(",".join(map(_csv_field, header)) + "\n")
    n = len(rows.result)
    for start in range(0, n, _CHUNK):
        out.write(rows.csv_text(start, min(start + _CHUNK, n), codes))


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
