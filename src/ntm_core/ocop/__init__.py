"""OCOP (*Mỗi xã một sản phẩm*, One Commune One Product): rating, certificates, portfolio, targets.

A council scores a product on three parts (A, B, C); the total, out of 100,
falls in a star band. Part maxima, star bands, who certifies which stars and
how long a certificate lasts are rule data of the ``vn.ocop.rating`` editions
(Decision 1048/QĐ-TTg of 2019, 148/QĐ-TTg of 2023, 148 as amended by
1489/QĐ-TTg of 2025); a product is rated under the edition in force on its
evaluation date.

Two rules this module decides, and documents:

* **Five stars need central recognition.** A total in the band certified
  centrally without ``central_recognition`` holds the highest band below it
  that is not certified centrally (4 stars) and is a *5-star candidate*
  (*sản phẩm tiềm năng 5 sao*).
* **Certificates** run from the decision date (the evaluation date when no
  decision date is recorded) for the edition's number of months, half-open:
  ``[valid_from, valid_until)`` with ``valid_until = add_months(valid_from,
  months)`` and the end-of-month rule of :func:`add_months`.

>>> import datetime as dt
>>> from ntm_core.ocop import OcopProduct, rate
>>> product = OcopProduct.from_mapping({
...     "code": "SYN-1", "name": "Cam Tùng Châu", "commune_code": "18241", "group": "1",
...     "score_a": "33", "score_b": "20", "score_c": "38", "evaluated_on": "2022-03-31",
... })
>>> rating = rate(product)
>>> rating.total, rating.stars, rating.five_star_candidate, rating.valid_until
(Fraction(91, 1), 4, True, datetime.date(2025, 3, 31))

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from ntm_core._core import publish
from ntm_core.ocop import _files as _ocop_io
from ntm_core.ocop import _model as _ocop_model
from ntm_core.ocop import _portfolio as _ocop_portfolio
from ntm_core.ocop._batch import OcopBatch, OcopTable, add_months_array, rate_many
from ntm_core.ocop._files import read_products, write_products
from ntm_core.ocop._model import (
    CertifyingLevel,
    OcopExplanation,
    OcopPartScore,
    OcopProduct,
    OcopRating,
    ProducerKind,
    add_months,
    expires_within,
    is_valid,
    rate,
    reevaluation_due,
)
from ntm_core.ocop._portfolio import (
    GroupCount,
    OcopProgress,
    OcopTarget,
    OcopTargets,
    Portfolio,
    TargetProgress,
    TargetScope,
    UnitCounts,
    portfolio,
    portfolio_lines,
    progress,
    progress_lines,
)
from ntm_core.rules import Rulebook

__all__ = [
    "COLUMNS",
    "HA_TINH_TARGETS",
    "PRODUCTS_SCHEMA",
    "REQUIRED_COLUMNS",
    "RULESET_KEY",
    "SAMPLE_PRODUCTS",
    "SCHEMA",
    "SECTION_SCHEMA",
    "TARGETS_SCHEMA",
    "CertifyingLevel",
    "GroupCount",
    "OcopBatch",
    "OcopExplanation",
    "OcopPartScore",
    "OcopProduct",
    "OcopProgress",
    "OcopRating",
    "OcopTable",
    "OcopTarget",
    "OcopTargets",
    "Portfolio",
    "ProducerKind",
    "TargetProgress",
    "TargetScope",
    "UnitCounts",
    "add_months",
    "add_months_array",
    "add_ocop_parser",
    "expires_within",
    "is_valid",
    "ocop_section",
    "portfolio",
    "progress",
    "rate",
    "rate_many",
    "read_products",
    "reevaluation_due",
    "render_ocop_section",
    "sample_district_of",
    "sample_products",
    "write_products",
]


RULESET_KEY = _ocop_model.RULESET_KEY
"""The rulebook key of the OCOP rating editions (1048/2019, 148/2023, 148+1489/2025)."""

COLUMNS = _ocop_model.COLUMNS
"""Every column of a product file, in the order :func:`write_products` writes them."""

REQUIRED_COLUMNS = _ocop_model.REQUIRED_COLUMNS
"""The columns every product file must have (the first eight of :data:`COLUMNS`)."""

PRODUCTS_SCHEMA = _ocop_io.PRODUCTS_SCHEMA
"""The ``schema`` value of a product JSON file written by :func:`write_products`."""

TARGETS_SCHEMA = _ocop_portfolio.TARGETS_SCHEMA
"""The ``schema`` value of an OCOP targets file."""

HA_TINH_TARGETS = _ocop_portfolio.HA_TINH_TARGETS
"""The bundled file of Hà Tĩnh's yearly OCOP targets (2022)."""

_DATA = Path(__file__).parent.parent / "datasets" / "ocop"

SAMPLE_PRODUCTS = _DATA / "ha-tinh-products.csv"
"""The bundled **synthetic** Hà Tĩnh product portfolio (see ``datasets/ocop/README.md``)."""

SCHEMA = "ntm_core.ocop/1"
"""The ``schema`` value of ``ntm ocop --format json``."""

SECTION_SCHEMA = "ntm_core.ocop-section/1"
"""The ``schema`` value of :func:`ocop_section`."""


@functools.cache
def sample_products() -> tuple[OcopProduct, ...]:
    """The bundled synthetic Hà Tĩnh portfolio (read once).

    The products, producers, scores and dates are **synthetic**, made by
    ``scripts/make_ocop_sample.py`` with a fixed seed to match the public
    figures (95 products certified in 2021, no 5-star product by early 2022);
    the commune codes are real.

    .. versionadded:: 0.1.0
    """
    return read_products(SAMPLE_PRODUCTS)


_SAMPLE_TREE_DATE = dt.date(2024, 6, 1)  # the 2020–2024 districts the sample's communes belong to


@functools.cache
def _sample_district_of() -> Mapping[str, str]:
    from ntm_core.datasets import ha_tinh_tree

    snapshot = ha_tinh_tree().as_of(_SAMPLE_TREE_DATE)
    return {u.code: u.parent_code for u in snapshot.units() if u.level.rank == 2 and u.parent_code}


@functools.cache
def _sample_district_names() -> Mapping[str, str]:
    from ntm_core.datasets import ha_tinh_tree

    snapshot = ha_tinh_tree().as_of(_SAMPLE_TREE_DATE)
    return {u.code: u.name for u in snapshot.units() if u.level.rank == 1}


def sample_district_of() -> dict[str, str]:
    """Commune code → district code (2020–2024 districts) for the sample's communes.

    >>> sample_district_of()["18241"]  # Xã Tùng Châu, Huyện Đức Thọ
    '440'

    .. versionadded:: 0.1.0
    """
    return dict(_sample_district_of())


# ---------------------------------------------------------------- readiness section


def _targets_for(on: dt.date, path: str | Path = HA_TINH_TARGETS) -> OcopTargets:
    """The target set of ``on``'s year, else the latest before it, else the earliest."""
    sets = OcopTargets.read_all(path)
    before = [t for t in sets if t.year <= on.year]
    return before[-1] if before else sets[0]


def ocop_section(
    on: dt.date,
    *,
    products: Iterable[OcopProduct] | None = None,
    unit_of: Mapping[str, str] | None = None,
    targets: OcopTargets | None = None,
    rulebook: Rulebook | None = None,
) -> dict[str, object]:
    """The OCOP part of a readiness report: portfolio on ``on`` against the targets.

    Args:
        on: The date of the report.
        products: The products; the bundled synthetic Hà Tĩnh sample when ``None``
            (then counted per 2020–2024 district).
        unit_of: Commune code → parent unit code, to count per parent.
        targets: The targets; Hà Tĩnh's bundled targets of ``on``'s year (or
            the latest year before it, else the earliest) when ``None``. A past
            year's targets are judged on that year's last day.
        rulebook: The rules; the bundled rulebook when ``None``.

    Returns:
        JSON-ready data: ``schema``, ``on``, ``synthetic``, ``source``,
        ``portfolio`` (:meth:`Portfolio.to_dict`), ``unit_names`` (unit code →
        name, for the sample's districts) and ``progress``
        (:meth:`OcopProgress.to_dict`). Render it with :func:`render_ocop_section`.

    >>> import datetime as dt
    >>> section = ocop_section(dt.date(2022, 12, 31))
    >>> section["synthetic"], section["progress"]["targets"]["year"]
    (True, 2022)

    .. versionadded:: 0.1.0
    """
    synthetic = products is None
    items = sample_products() if products is None else tuple(products)
    names: Mapping[str, str] = {}
    if unit_of is None and synthetic:
        unit_of = _sample_district_of()
        names = _sample_district_names()
    batch = rate_many(items, rulebook=rulebook)
    stats = portfolio(batch, on=on, unit_of=unit_of)
    chosen = targets if targets is not None else _targets_for(on)
    return {
        "schema": SECTION_SCHEMA,
        "on": on.isoformat(),
        "synthetic": synthetic,
        "source": "bundled Hà Tĩnh sample" if synthetic else "products given",
        "portfolio": stats.to_dict(),
        "unit_names": dict(names),
        "progress": _progress(batch, stats, chosen).to_dict(),
    }


def _progress(batch: OcopBatch, stats: Portfolio, targets: OcopTargets) -> OcopProgress:
    """Progress on the targets, judged on the target year's last day when ``stats`` is later."""
    year_end = dt.date(targets.year, 12, 31)
    if stats.on <= year_end:
        return progress(stats, targets)
    return progress(portfolio(batch, on=year_end), targets)


def render_ocop_section(section: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The lines of an :func:`ocop_section` in English (``"en"``) or Vietnamese (``"vi"``).

    >>> import datetime as dt
    >>> for line in render_ocop_section(ocop_section(dt.date(2022, 12, 31)))[:3]:
    ...     print(line)
    OCOP — bundled Hà Tĩnh sample — SYNTHETIC DATA
    OCOP portfolio on 2022-12-31: 224 products rated (158 evaluated later, not counted)
      stars: 5★ 0, 4★ 23, 3★ 192, 2★ 8, 1★ 1; unrated 0; 5-star candidates 1

    .. versionadded:: 0.1.0
    """
    vi = lang == "vi"
    head = "OCOP — " + str(section["source"])
    if section.get("synthetic"):
        head += " — DỮ LIỆU GIẢ LẬP" if vi else " — SYNTHETIC DATA"
    lines = [head, *portfolio_lines(section["portfolio"], lang=lang)]
    data = section["portfolio"]
    if data["grouped_by"] == "parent":
        word = "theo đơn vị" if vi else "by unit"
        names = section.get("unit_names") or {}
        cells = [
            f"{names.get(code, code)} {c['valid']}/{c['products']}"
            for code, c in data["by_unit"].items()
        ]
        valid = "còn hiệu lực/đã đánh giá" if vi else "valid/rated"
        lines.append(f"  {word} ({valid}): " + ", ".join(cells))
    if section.get("progress"):
        lines.extend(progress_lines(section["progress"], lang=lang))
    return lines


# ---------------------------------------------------------------- command line


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date as YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def add_ocop_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    """Add ``ntm ocop PRODUCTS --on DATE [--format table|json]`` to a command line.

    Args:
        subparsers: The ``add_subparsers()`` action of the ``ntm`` parser.
        parents: Parent parsers whose options the command shares (``--thresholds``).

    Returns:
        The ``ocop`` parser; its handler is set as the ``handler`` default.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "ocop",
        parents=list(parents),
        help="rate OCOP products; portfolio statistics and targets",
        description=(
            "Rate OCOP products under the rules in force on each evaluation date, "
            "and summarise the portfolio on DATE (stars, certificates valid or "
            "expired, yearly increments) against yearly targets."
        ),
    )
    parser.add_argument(
        "products", nargs="?", metavar="PRODUCTS",
        help="products (CSV or JSON); default: the bundled synthetic Hà Tĩnh sample",
    )  # fmt: skip
    parser.add_argument(
        "--on", type=_parse_date, required=True,
        help="the date of the portfolio (YYYY-MM-DD)",
    )  # fmt: skip
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--lang", choices=("en", "vi"), default="en")
    parser.add_argument(
        "--targets", metavar="FILE",
        help="a targets TOML file, or 'ha-tinh' for the bundled Hà Tĩnh targets "
             "(default with the bundled sample)",
    )  # fmt: skip
    parser.set_defaults(handler=_cmd_ocop)
    return parser


def _args_rulebook(args: argparse.Namespace) -> Rulebook:
    from ntm_core.cli import _rulebook  # the one place --thresholds is applied

    return _rulebook(args)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _cmd_ocop(args: argparse.Namespace, out: TextIO) -> int:
    """Handle ``ntm ocop``: rate the products, print them and the portfolio."""
    book = _args_rulebook(args)
    synthetic = args.products is None
    products = sample_products() if synthetic else read_products(args.products)
    source = "bundled Hà Tĩnh sample (SYNTHETIC)" if synthetic else str(args.products)
    batch = rate_many(products, rulebook=book)
    stats = portfolio(batch, on=args.on)
    targets_file = args.targets or ("ha-tinh" if synthetic else None)
    targets = None
    if targets_file is not None:
        path = HA_TINH_TARGETS if targets_file == "ha-tinh" else Path(targets_file)
        targets = _progress(batch, stats, _targets_for(args.on, path))
    records = batch.to_records(on=args.on)
    if args.format == "json":
        document = {
            "schema": SCHEMA,
            "on": args.on.isoformat(),
            "source": source,
            "synthetic": synthetic,
            "products": records,
            "portfolio": stats.to_dict(),
            "progress": targets.to_dict() if targets else None,
        }
        json.dump(document, out, ensure_ascii=False, indent=2)
        print(file=out)
        return 0
    vi = args.lang == "vi"
    valid_head = f"VALID {args.on.isoformat()}"
    rows = [["CODE", "NAME", "GROUP", "TOTAL", "STARS", "5★ CANDIDATE", "VALID UNTIL", valid_head]]
    for record in records:
        name = str(record["name"])
        rows.append([
            str(record["code"]), name if len(name) <= 32 else name[:31] + "…",
            str(record["group"]), _cell(record["total"]), _cell(record["stars"]),
            _cell(record["five_star_candidate"]), _cell(record["valid_until"]),
            _cell(record["valid"]),
        ])  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
    print(file=out)
    print(f"source: {source}", file=out)
    for line in stats.lines("vi" if vi else "en"):
        print(line, file=out)
    if targets is not None:
        for line in targets.lines("vi" if vi else "en"):
            print(line, file=out)
    return 0


publish(globals(), __all__)  # documented (and pickled) under this module's name
