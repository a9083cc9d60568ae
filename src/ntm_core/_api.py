"""The everyday functions of ``import ntm_core as ntm``: data in, decisions and reports out.

Each function takes what a user has at hand — the bundled :class:`Sample`, a
file, a pandas DataFrame, an Arrow table or records — and keyword-only options
with the same names everywhere (``on=``, ``level=``, ``rulebook=``,
``lang=``). Dates may be :class:`datetime.date` or ISO strings. The machinery
(ladders, catalogs, scopes) stays in the sub-packages for advanced use; no
common task needs it.

The public names are re-exported, and documented, by :mod:`ntm_core`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ntm_core._core.dates import as_date
from ntm_core._core.vocabulary import RuleLevel
from ntm_core.admin import AdminSnapshot, AdminTree
from ntm_core.datasets import Sample, ha_tinh_sample, ocop_sample_district_of
from ntm_core.engine import Assessment, BatchResult, IndicatorCatalog, Observations
from ntm_core.engine import assess as _engine_assess
from ntm_core.engine import explain as _engine_explain
from ntm_core.exceptions import InputError
from ntm_core.io import observations_from_frame, observations_from_records
from ntm_core.io import read_observations as _read_file
from ntm_core.io._frames import is_frame
from ntm_core.ocop import OcopBatch, OcopProduct, Portfolio, portfolio, rate_many, read_products
from ntm_core.readiness import PlanTarget, ProvinceReadiness, Recognition, assess_province
from ntm_core.rules import Rulebook
from ntm_core.scenarios import Projection
from ntm_core.scenarios import project as _project

__all__ = [
    "assess",
    "explain",
    "ocop_portfolio",
    "project",
    "rate_ocop",
    "read_observations",
    "readiness",
    "sample",
]

_HA_TINH = "42"


def sample() -> Sample:
    """The bundled Hà Tĩnh sample: real units, **SYNTHETIC** values, as one value.

    Every top-level function accepts it as it is: ``ntm.assess(s, on=...)``
    and ``ntm.readiness(s, on=..., target=2025)`` use its rulebook (with the
    illustrative threshold sheet), its tree and its scope.

    >>> import ntm_core as ntm
    >>> s = ntm.sample()
    >>> s.synthetic
    True

    .. versionadded:: 0.2.0
    """
    return ha_tinh_sample()


def _level(level: RuleLevel | str) -> RuleLevel:
    if isinstance(level, RuleLevel):
        return level
    try:
        return RuleLevel.from_text(str(level))
    except ValueError as err:
        raise InputError(f"level=: {err}", value=level) from None


def _catalog(rulebook: Rulebook | None, catalog: IndicatorCatalog | None) -> IndicatorCatalog:
    if catalog is not None:
        return catalog
    return IndicatorCatalog.from_editions(rulebook if rulebook is not None else Rulebook.bundled())


def read_observations(
    source: object,
    *,
    rulebook: Rulebook | None = None,
    catalog: IndicatorCatalog | None = None,
    units: str | os.PathLike[str] | Mapping[str, Mapping[str, str]] | None = None,
    decimal_comma: bool | None = None,
) -> Observations:
    """Read indicator observations from a file, a DataFrame, an Arrow table or records.

    Two layouts are recognised from the columns: *wide* (``unit_code``,
    ``period`` and one column per indicator key or legal code, optionally
    with a unit in brackets: ``income_per_capita [đồng/người/năm]``) and
    *long* (``unit_code, period, indicator, value[, unit]``). Missing values —
    empty cells, ``None``, ``NaN``, ``pd.NA`` — are *not observed*, never zero.

    >>> import ntm_core as ntm
    >>> obs = ntm.read_observations([
    ...     {"unit_code": "18073", "period": 2024, "income_per_capita": "45,5"},
    ...     {"unit_code": "18076", "period": 2024, "income_per_capita": None},
    ... ])
    >>> obs.value("income_per_capita", 0), obs.value("income_per_capita", 1)
    (Fraction(91, 2), None)

    Args:
        source: A path (``.csv``, ``.json``, ``.xlsx``), a pandas DataFrame
            (numeric or text columns), a pyarrow Table, or an iterable of
            mappings (one per row).
        rulebook: The rules whose indicators the columns may name (the
            bundled rules by default).
        catalog: The indicators the columns may name, instead of every
            indicator of ``rulebook`` (advanced).
        units: Unit attributes by code (name, level, region…), or a units file,
            filling those the data leave empty.
        decimal_comma: Whether text numbers use a decimal comma (``45,5``);
            ``None`` decides from the data.

    Raises:
        DataError: If the source as a whole cannot be read.
        InputErrors: Every bad cell at once, each naming its row and column.

    .. versionadded:: 0.2.0
    """
    found = _catalog(rulebook, catalog)
    if isinstance(source, str | os.PathLike):
        return _read_file(source, catalog=found, units=units, decimal_comma=decimal_comma)
    if is_frame(source):
        return observations_from_frame(
            source, catalog=found, units=units, decimal_comma=decimal_comma
        )
    if isinstance(source, Iterable) and not isinstance(source, bytes | Mapping):
        return observations_from_records(
            source, catalog=found, units=units, decimal_comma=decimal_comma
        )
    msg = (
        "expected a file path, a pandas DataFrame, an Arrow table or records (mappings), "
        f"got {type(source).__name__}"
    )
    raise InputError(msg, value=type(source).__name__)


def _observations(data: object, rulebook: Rulebook | None) -> Observations:
    if isinstance(data, Sample):
        return data.observations
    if isinstance(data, Observations):
        return data
    return read_observations(data, rulebook=rulebook)


def _period(observations: Observations, on: dt.date, period: int | None) -> Observations:
    """The rows of ``period``, by default the latest period not after ``on``'s year."""
    periods = sorted(set(observations.periods))
    if period is not None:
        if period not in periods:
            found = ", ".join(map(str, periods)) or "none"
            msg = f"no observations for period {period}; the data has {found}"
            raise InputError(msg, source=observations.source, column="period", value=period)
        return observations.for_period(period)
    if len(periods) <= 1:
        return observations
    usable = [p for p in periods if p <= on.year] or periods
    return observations.for_period(usable[-1])


def assess(
    data: object,
    *,
    on: dt.date | str,
    level: RuleLevel | str = RuleLevel.COMMUNE,
    period: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str | None = None,
) -> BatchResult:
    """Decide the tier of every unit of ``data`` at ``level`` under the rules in force on ``on``.

    >>> import ntm_core as ntm
    >>> res = ntm.assess(ntm.sample(), on="2024-12-31")
    >>> len(res.observations), res.observations.periods[0]
    (182, 2024)

    Args:
        data: A :class:`Sample` (its rulebook and scope are used), or
            observations, or anything :func:`read_observations` reads.
        on: The date whose rules apply (a date or ``"YYYY-MM-DD"``).
        level: The level graded: ``"commune"`` (default), ``"district"``…
        period: The assessment year; by default the latest in the data not
            after ``on``'s year (the latest of all when every year is later).
        rulebook: The rules (a sample's own, else the bundled rules).
        scope: Prefer this scope's rule sets (``"ha-tinh"`` adds criterion
            20); a sample's own, else ``"vn"``.

    Returns:
        One decision per unit, with :meth:`~ntm_core.engine.BatchResult.explain`
        for the full explanation of one.

    Raises:
        InputError: For an unknown level, a date that is not one, or a period
            the data does not have.
        RuleNotInForceError: If no rule edition of ``level`` is in force on ``on``.

    .. versionadded:: 0.2.0
    """
    day = as_date(on)
    book, area = _rules(data, rulebook, scope)
    rows = _period(_observations(data, book), day, period)
    return _engine_assess(rows, on=day, level=_level(level), rulebook=book, scope=area)


def explain(
    data: object,
    unit: str,
    *,
    on: dt.date | str,
    level: RuleLevel | str = RuleLevel.COMMUNE,
    period: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str | None = None,
) -> Assessment:
    """The full decision of one unit, explained: tier → criteria → checks, with citations.

    >>> import ntm_core as ntm
    >>> a = ntm.explain(ntm.sample(), "18088", on="2024-12-31")
    >>> a.unit, a.period
    ('18088', 2024)

    Args:
        data: As for :func:`assess`.
        unit: The unit's code.
        on: The date whose rules apply.
        level: The level graded.
        period: The assessment year (default: as for :func:`assess`).
        rulebook: The rules (a sample's own, else the bundled rules).
        scope: As for :func:`assess`.

    Raises:
        KeyError: If ``unit`` has no observations in the period.

    .. versionadded:: 0.2.0
    """
    day = as_date(on)
    book, area = _rules(data, rulebook, scope)
    rows = _period(_observations(data, book), day, period)
    return _engine_explain(rows, unit, on=day, level=_level(level), rulebook=book, scope=area)


def _rules(data: object, rulebook: Rulebook | None, scope: str | None) -> tuple[Rulebook, str]:
    """The rulebook and scope: the caller's, else the sample's, else bundled and ``vn``."""
    if isinstance(data, Sample):
        return rulebook or data.rulebook, scope or data.scope
    return rulebook or Rulebook.bundled(), scope or "vn"


def readiness(
    data: object,
    *,
    on: dt.date | str,
    target: int | None = None,
    province: str | None = None,
    tree: AdminTree | AdminSnapshot | None = None,
    period: int | None = None,
    rulebook: Rulebook | None = None,
    scope: str | None = None,
    recognitions: Iterable[Recognition] | None = None,
    targets: Iterable[PlanTarget] | None = None,
) -> ProvinceReadiness:
    """How ready a province is for its target, and what blocks it: ``ntm readiness``'s report.

    >>> import ntm_core as ntm
    >>> report = ntm.readiness(ntm.sample(), on="2024-12-31", target=2025)
    >>> report.period, report.target_year, report.labels.synthetic
    (2024, 2025, True)

    Args:
        data: A :class:`~ntm_core.Sample` (its province, tree, rules, recognitions and
            targets are used unless given), or observations of every level
            (communes, districts, towns, the province) — anything
            :func:`~ntm_core.read_observations` reads — with ``province`` and ``tree``.
        on: The date whose rules apply.
        target: The year the province targets (e.g. 2025): selects that year's
            plan and programme targets
            (``program_targets``, a :class:`~ntm_core.readiness.ProgramTargets`) and
            province conditions (2030: 51/2025/QĐ-TTg's), judged on the data as
            of ``on`` (:func:`~ntm_core.readiness.assess_province`).
        province: The province's code (``"42"`` for Hà Tĩnh).
        tree: The administrative tree (an :class:`~ntm_core.admin.AdminTree`,
            or a snapshot); for Hà Tĩnh the bundled one by default.
        period: The assessment year (default: the latest ending on or before ``on``).
        rulebook: The rules (a sample's own, else the bundled rules).
        scope: Prefer this scope's rule sets (default: ``"ha-tinh"`` for
            Hà Tĩnh, else ``"vn"``).
        recognitions: Recognition decisions, shown beside the computed status.
        targets: Plan targets by year.

    Raises:
        InputError: If ``province`` or ``tree`` is missing for data that is not
            a sample, the province is not in the tree, or nothing is encoded for
            ``target`` (the message names the years that have targets or conditions).

    .. versionadded:: 0.2.0
    """
    day = as_date(on)
    province, tree, book, area, synthetic = _province_inputs(data, province, tree, rulebook, scope)
    if isinstance(data, Sample):
        recognitions = data.recognitions if recognitions is None else recognitions
        targets = data.targets if targets is None else targets
    return assess_province(
        _observations(data, book),
        tree=tree,
        province=province,
        on=day,
        period=period,
        target_year=target,
        rulebook=book,
        scope=area,
        recognitions=tuple(recognitions or ()),
        targets=tuple(targets or ()),
        synthetic=synthetic,
    )


def _products(products: object) -> tuple[OcopProduct, ...]:
    if isinstance(products, Sample):
        return products.ocop_products
    if isinstance(products, str | os.PathLike):
        return tuple(read_products(Path(products)))
    if isinstance(products, Iterable):
        return tuple(
            p if isinstance(p, OcopProduct) else OcopProduct.from_mapping(p) for p in products
        )
    msg = f"expected OCOP products, a products file or a Sample, got {type(products).__name__}"
    raise InputError(msg, value=type(products).__name__)


def rate_ocop(
    products: Sample | str | os.PathLike[str] | Iterable[OcopProduct | Mapping[str, object]],
    *,
    rulebook: Rulebook | None = None,
) -> OcopBatch:
    """Rate OCOP products: stars, 5-star candidates, certificates — each under its own edition.

    >>> import ntm_core as ntm
    >>> batch = ntm.rate_ocop(ntm.sample())
    >>> len(batch) == len(ntm.sample().ocop_products)
    True

    Args:
        products: A :class:`Sample` (its portfolio), a products file (CSV,
            JSON), or products (:class:`~ntm_core.ocop.OcopProduct` or mappings
            with the columns of a products file).
        rulebook: The rules (the bundled rules by default).

    .. versionadded:: 0.2.0
    """
    return rate_many(_products(products), rulebook=rulebook)


def ocop_portfolio(
    products: Sample | str | os.PathLike[str] | Iterable[OcopProduct | Mapping[str, object]],
    *,
    on: dt.date | str,
    unit_of: Mapping[str, str] | None = None,
    rulebook: Rulebook | None = None,
) -> Portfolio:
    """The OCOP portfolio on ``on``: stars, groups, valid and expired certificates.

    >>> import ntm_core as ntm
    >>> p = ntm.ocop_portfolio(ntm.sample(), on="2024-12-31")
    >>> p.on.isoformat()
    '2024-12-31'

    Args:
        products: As for :func:`rate_ocop`.
        on: The date of the statistics.
        unit_of: Commune code → parent unit code, to count per district (a
            sample's own 2020–2024 districts by default).
        rulebook: The rules (the bundled rules by default).

    .. versionadded:: 0.2.0
    """
    day = as_date(on)
    if unit_of is None and isinstance(products, Sample):
        unit_of = ocop_sample_district_of()
    return portfolio(rate_ocop(products, rulebook=rulebook), on=day, unit_of=unit_of)


class _ReadinessPackage(types.ModuleType):
    """The ``ntm_core.readiness`` package, which is also callable as :func:`readiness`.

    ``ntm.readiness(sample, on=..., target=...)`` is the report a notebook asks for,
    and ``from ntm_core.readiness import ProvinceReadiness`` is where its types live.
    A module object cannot be both unless calling the package runs the function, so
    the façade gives the package this class; nothing else about the module changes.
    """

    def __call__(self, data: object, **options: Any) -> ProvinceReadiness:  # noqa: ANN401 - the options of readiness()
        return readiness(data, **options)


def callable_readiness_package() -> types.ModuleType:
    """Make the ``ntm_core.readiness`` package callable as :func:`readiness`, and return it."""
    package = sys.modules["ntm_core.readiness"]
    package.__class__ = _ReadinessPackage
    return package


def _province_inputs(
    data: object,
    province: str | None,
    tree: AdminTree | AdminSnapshot | None,
    rulebook: Rulebook | None,
    scope: str | None,
) -> tuple[str, AdminTree | AdminSnapshot, Rulebook, str, bool]:
    """Province, tree, rules, scope and the synthetic label: a sample's own unless given."""
    if isinstance(data, Sample):
        book, area = _rules(data, rulebook, scope)
        chosen = tree if tree is not None else data.tree
        return province or data.province, chosen, book, area, data.synthetic
    if province is None:
        raise InputError("give province= (a GSO code such as '42')", column="province")
    if tree is None:
        if province != _HA_TINH:
            msg = "give tree= (an AdminTree) for a province other than Hà Tĩnh"
            raise InputError(msg, column="tree", value=province)
        tree = ha_tinh_sample().tree
    book = rulebook or Rulebook.bundled()
    return province, tree, book, scope or ("ha-tinh" if province == _HA_TINH else "vn"), False


def project(
    data: object,
    *,
    on: dt.date | str,
    to: int,
    province: str | None = None,
    tree: AdminTree | AdminSnapshot | None = None,
    rulebook: Rulebook | None = None,
    scope: str | None = None,
) -> Projection:
    """Each unit's trend followed year by year to ``to``, decided under each year's rules.

    A trend is not a forecast: see :func:`ntm_core.scenarios.project` for the method.

    >>> import ntm_core as ntm
    >>> future = ntm.project(ntm.sample(), on="2024-12-31", to=2026)
    >>> future.synthetic, future.years[0]
    (True, 2024)

    Args:
        data: A :class:`~ntm_core.Sample`, or observations of several periods (anything
            :func:`~ntm_core.read_observations` reads) with ``province`` and ``tree``.
        on: The date of the base year's rules.
        to: The last year projected.
        province: The province's code (a sample's own by default).
        tree: The administrative tree (a sample's own; for Hà Tĩnh the bundled one).
        rulebook: The rules (a sample's own, else the bundled rules).
        scope: Prefer this scope's rule sets.

    .. versionadded:: 0.2.0
    """
    day = as_date(on)
    province, tree, book, area, synthetic = _province_inputs(data, province, tree, rulebook, scope)
    return _project(
        _observations(data, book),
        province=province,
        on=day,
        to=to,
        tree=tree,
        rulebook=book,
        scope=area,
        synthetic=synthetic,
    )
