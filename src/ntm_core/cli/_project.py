"""``ntm project``: the trend year by year, or (``--draws N``) the probability of completing."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ntm_core._core.vocabulary import RuleLevel
from ntm_core.cli._common import (
    EXIT_OK,
    UsageError,
    catalog,
    check_scope,
    output_options,
    parse_date,
    rulebook,
    sample_rulebook,
)
from ntm_core.exceptions import InputError, RuleNotInForceError
from ntm_core.rules import RuleSet

if TYPE_CHECKING:
    from ntm_core.scenarios import MonteCarloResult, Projection

__all__ = ["add_parser"]


def _cmd_project(args: argparse.Namespace, out: TextIO) -> int:
    """The trend (or Monte Carlo draws) to ``--to``, decided by the batch engine, in one format."""
    from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
    from ntm_core.engine import Ladder
    from ntm_core.io import read_observations
    from ntm_core.scenarios import project, simulate

    sample = args.data is None
    scope = args.scope or ("ha-tinh" if args.province == "42" else "vn")
    book = rulebook(args)
    check_scope(scope, (edition.key for edition in book))
    if args.province != "42":
        msg = "ntm project knows Hà Tĩnh's administrative tree (--province 42) only"
        raise InputError(msg, column="province", value=args.province)
    if sample:
        book = sample_rulebook(book)
    editions: list[RuleSet] = []
    for year in range(args.on.year, args.to + 1):
        for level in RuleLevel:
            try:
                ladder = Ladder.for_level(
                    book, level=level, on=parse_date(f"{year}-12-31"), scope=scope
                )
            except RuleNotInForceError:
                continue
            editions.extend(ladder.rungs)
    data = HA_TINH_DIR / "sample-observations.csv" if sample else Path(args.data)
    observations = read_observations(data, catalog=catalog(book, list(dict.fromkeys(editions))))
    if args.draws is not None and args.draws < 0:
        raise UsageError("argument --draws: expected 0 (the trend alone) or more")
    result: Projection | MonteCarloResult
    if not args.draws:
        result = project(
            observations,
            province=args.province,
            on=args.on,
            to=args.to,
            tree=ha_tinh_tree(),
            rulebook=book,
            scope=scope,
            synthetic=sample,
        )
    else:
        result = simulate(
            observations,
            province=args.province,
            on=args.on,
            to=args.to,
            draws=args.draws,
            seed=args.seed,
            tree=ha_tinh_tree(),
            rulebook=book,
            scope=scope,
            scheduler=args.scheduler,
            progress=None,
            synthetic=sample,
        )
    _write(result, args, out)
    return EXIT_OK


def _write(result: Projection | MonteCarloResult, args: argparse.Namespace, out: TextIO) -> None:
    """Print (or write) ``result`` in the format asked for: the result's own renderers."""
    if args.format == "json":
        json.dump(result.to_dict(), out, ensure_ascii=False, indent=2)
        print(file=out)
    elif args.format == "md":
        out.write(result.to_markdown(lang=args.lang))
    elif args.format == "html":
        out.write(result.to_html(lang=args.lang))
    elif args.format == "xlsx":
        if not args.output or args.output == "-":
            raise UsageError("argument --format xlsx: give -o FILE.xlsx")
        result.to_excel(args.output, lang=args.lang, force=args.force)
    else:
        out.write(result.to_text(lang=args.lang))


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``ntm project [DATA] --province 42 --on DATE --to YEAR --draws N …``."""
    cmd = sub.add_parser(
        "project",
        parents=[common],
        help="the province on its trend, year by year; with --draws, the probability (Monte Carlo)",
    )
    cmd.add_argument("data", metavar="DATA", nargs="?", help="observations of several years")
    cmd.add_argument("--province", default="42", help="the province code (default 42)")
    cmd.add_argument("--on", type=parse_date, required=True, help="the base date (YYYY-MM-DD)")
    cmd.add_argument("--to", type=int, required=True, help="the last projected year")
    cmd.add_argument(
        "--draws",
        type=int,
        help="Monte Carlo draws; without it (or 0) the trend alone, year by year",
    )
    cmd.add_argument("--seed", type=int, default=0, help="the seed (default 0)")
    cmd.add_argument(
        "--scheduler", help="'dask' for a local cluster, or a scheduler address on this machine"
    )
    cmd.add_argument("--scope", help="prefer this scope's rule sets (default: ha-tinh for 42)")
    cmd.add_argument("--lang", choices=("en", "vi"), default="en")
    cmd.add_argument("--format", choices=("table", "json", "md", "html", "xlsx"), default="table")
    output_options(cmd)
    cmd.set_defaults(handler=_cmd_project, writes_file=False)
