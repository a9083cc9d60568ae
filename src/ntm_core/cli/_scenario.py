"""``ntm scenario``: what changes if the data were different (on the bundled sample by default)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ntm_core.cli._common import (
    EXIT_OK,
    output_options,
    parse_date,
    province_inputs,
)
from ntm_core.exceptions import InputError, InputErrors

if TYPE_CHECKING:
    from ntm_core.admin import AdminSnapshot
    from ntm_core.engine import Observations
    from ntm_core.readiness import ProvinceReadiness
    from ntm_core.rules import Rulebook

__all__ = ["Context", "add_parser", "load", "province_options", "write_rows"]

SAMPLE_NOTICE = "Bundled Hà Tĩnh sample: real units, SYNTHETIC values, illustrative thresholds."


class Context:
    """What a province command reads: observations, tree, rules, scope, and whether a sample."""

    def __init__(
        self,
        *,
        observations: Observations,
        tree: AdminSnapshot,
        book: Rulebook,
        scope: str,
        sample: bool,
    ) -> None:
        self.observations = observations
        self.tree = tree
        self.book = book
        self.scope = scope
        self.sample = sample

    def report(self, args: argparse.Namespace, observations: Observations | None = None,
               book: Rulebook | None = None) -> ProvinceReadiness:  # fmt: skip
        """The readiness report of ``--province`` on ``--on``."""
        from ntm_core.readiness import assess_province

        return assess_province(
            observations if observations is not None else self.observations,
            tree=self.tree,
            province=args.province,
            on=args.on,
            period=args.period,
            rulebook=book if book is not None else self.book,
            scope=self.scope,
            synthetic=self.sample,
        )


def load(args: argparse.Namespace) -> Context:
    """Observations, tree and rules as ``ntm readiness`` reads them (the sample without DATA)."""
    from ntm_core.admin import AdminSnapshot, load_units_csv
    from ntm_core.datasets import ha_tinh_tree

    book, scope, sample, observations = province_inputs(args)
    if args.admin_units:
        units = [u for u in load_units_csv(args.admin_units) if u.exists_on(args.on)]
        tree = AdminSnapshot(on=args.on, units=units)
    elif args.province == "42":
        tree = ha_tinh_tree().as_of(args.on)
    else:
        msg = (
            "give --admin-units FILE (code, name, level, parent_code) for a province other than 42"
        )
        raise InputError(msg, column="admin-units")
    return Context(observations=observations, tree=tree, book=book, scope=scope, sample=sample)


def read_codes(path: str) -> list[str]:
    """Unit codes from a file: a table with a ``unit_code`` or ``code`` column, else one per line.

    A table is read by the one table reader (CSV, JSON or XLSX; quoted cells,
    encodings and short rows handled and reported as everywhere else).
    """
    from ntm_core._core.tables import decode, read_table

    file = Path(path)
    try:
        text = (
            decode(file.read_bytes(), path) if file.suffix.lower() in {".csv", ".txt", ""} else ""
        )
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror}", source=path) from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = [cell.strip().lower() for cell in lines[0].split(",")] if lines else []
    if text and not {"unit_code", "code"} & set(first):
        codes = lines  # a plain list, one code per line
    else:
        table = read_table(file, path)
        if table.problems:
            raise InputErrors(f"{path}: unit codes that cannot be read", table.problems)
        header = [name.strip().lower() for name in table.header]
        column = next((header.index(n) for n in ("unit_code", "code") if n in header), None)
        if column is None:
            raise InputError("expected a unit_code (or code) column", source=path, column="units")
        codes = [str(c).strip() for c in table.columns[column] if c is not None and str(c).strip()]
    if not codes:
        raise InputError("no unit codes in the file", source=path, column="units")
    return codes


def write_rows(rows: list[dict[str, object]], out: TextIO) -> None:
    """Records as CSV (a header, then one line per record), by the one CSV writer."""
    from ntm_core._core.tables import csv_text

    if not rows:
        return
    header = list(rows[0])
    out.write(csv_text(header, ([row.get(name) for name in header] for row in rows)))


def _cmd_scenario(args: argparse.Namespace, out: TextIO) -> int:
    from ntm_core.scenarios import Scenario, Units, compare

    context = load(args)
    units = Units(codes=read_codes(args.units)) if args.units else None
    scenario = Scenario.parse(args.edit, units=units)
    for sheet in args.scenario_thresholds or ():
        scenario = scenario.with_thresholds(sheet)
    edited = scenario.apply(
        context.observations,
        on=args.on,
        rulebook=context.book,
        scope=context.scope,
        tree=context.tree,
    )
    before = context.report(args)
    after = context.report(args, edited, scenario.rulebook(context.book))
    comparison = compare(before, after, before="baseline", after="scenario")
    if args.format == "json":
        document = comparison.to_dict()
        document["edits"] = [e.text for e in scenario.edits]
        document["synthetic"] = context.sample
        json.dump(document, out, ensure_ascii=False, indent=2)
        print(file=out)
    elif args.format == "csv":
        write_rows(comparison.to_rows(lang=args.lang), out)
    else:
        if context.sample:
            print(SAMPLE_NOTICE, file=out)
        print("Edits: " + "; ".join(e.text for e in scenario.edits), file=out)
        print(comparison.to_text(lang=args.lang), file=out)
    return EXIT_OK


def province_options(parser: argparse.ArgumentParser) -> None:
    """DATA, ``--province``, ``--on``, ``--period``, ``--scope``, ``--admin-units``, ``--lang``."""
    parser.add_argument(
        "data", metavar="DATA", nargs="?", help="observations of every level (default: the sample)"
    )
    parser.add_argument("--province", default="42", help="the province code (default 42)")
    parser.add_argument(
        "--on", type=parse_date, required=True, help="the date whose rules apply (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--period", type=int, help="the assessment year (default: the latest not after --on)"
    )
    parser.add_argument(
        "--scope", help="prefer this scope's rule sets (default: ha-tinh for 42, else vn)"
    )
    parser.add_argument(
        "--admin-units",
        metavar="FILE",
        help="administrative units (code, name, level, parent_code); default: Hà Tĩnh's",
    )
    parser.add_argument("--lang", choices=("en", "vi"), default="en")


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm scenario [DATA] --edit EDIT… --on DATE …``."""
    scenario = sub.add_parser(
        "scenario",
        parents=[common],
        help="what-if: which units, criteria and province conditions change under edits",
    )
    province_options(scenario)
    scenario.add_argument(
        "--edit",
        action="append",
        required=True,
        metavar="EDIT",
        help="an edit: KEY*FACTOR, KEY+AMOUNT, KEY=VALUE, KEY=met, criterion:CODE=met; may repeat",
    )
    scenario.add_argument(
        "--units", metavar="FILE", help="limit the edits to these unit codes (one per line)"
    )
    scenario.add_argument(
        "--scenario-thresholds",
        action="append",
        metavar="FILE",
        help="a threshold sheet for the scenario only (the baseline keeps the rules); may repeat",
    )
    scenario.add_argument("--format", choices=("table", "json", "csv"), default="table")
    output_options(scenario)
    scenario.set_defaults(handler=_cmd_scenario)
