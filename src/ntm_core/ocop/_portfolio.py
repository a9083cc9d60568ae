"""OCOP portfolio statistics: numpy reductions over rated products on a date.

The public names are re-exported, and documented, by :mod:`ntm_core.ocop`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.accessor import Accessor
from ntm_core._core.display import Lang, check_lang
from ntm_core._core.tables import write_bytes
from ntm_core._core.workbook import workbook_bytes
from ntm_core.exceptions import InputError
from ntm_core.ocop import _present
from ntm_core.ocop._batch import OcopBatch, day_of
from ntm_core.ocop._present import PortfolioPlots
from ntm_core.ocop._rating import OcopRating
from ntm_core.ocop._render import portfolio_lines
from ntm_core.rules import Rulebook

__all__ = ["GroupCount", "Portfolio", "UnitCounts", "portfolio"]


def _counts(value: Mapping[int, int]) -> Mapping[int, int]:
    return MappingProxyType(dict(value))


def _nested(value: Mapping[int, Mapping[int, int]]) -> Mapping[int, Mapping[int, int]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in value.items()})


def _units(value: Mapping[str, UnitCounts]) -> Mapping[str, UnitCounts]:
    return MappingProxyType(dict(value))


def _group_counts(value: Iterable[GroupCount]) -> tuple[GroupCount, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _star_dict(counts: Mapping[int, int]) -> dict[str, int]:
    return {str(k): v for k, v in counts.items()}


@attrs.frozen(kw_only=True)
class GroupCount:
    """How many products of one product group of one edition a portfolio holds.

    Group codes are per edition (group 4 is textiles under 1048, handicrafts
    under 148), so counts are kept per edition.

    .. versionadded:: 0.1.0
    """

    edition: str
    code: str
    name_vi: str
    name_en: str
    count: int


@attrs.frozen(kw_only=True)
class UnitCounts:
    """The portfolio counts of one unit (a commune, or the parent unit it maps to).

    .. versionadded:: 0.1.0
    """

    products: int
    certified: int
    valid: int
    expired: int
    five_star_candidates: int
    by_stars: Mapping[int, int] = attrs.field(converter=_counts, hash=False)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready counts."""
        return {
            "products": self.products,
            "certified": self.certified,
            "valid": self.valid,
            "expired": self.expired,
            "five_star_candidates": self.five_star_candidates,
            "by_stars": _star_dict(self.by_stars),
        }


@attrs.frozen(kw_only=True)
class Portfolio:
    """Statistics of rated OCOP products on a date.

    Only products evaluated on or before :attr:`on` count; later ones are
    reported in :attr:`evaluated_after` and left out.

    Attributes:
        on: The date of the statistics.
        products: Products evaluated on or before ``on``.
        evaluated_after: Products evaluated after ``on`` (not counted).
        by_stars: Stars held → products, for every star level of the editions (highest first).
        unrated: Products below every star band.
        five_star_candidates: Totals in the 5-star band without central recognition
            (counted under the stars they hold, 4).
        certified: Products whose band is an OCOP certification.
        valid: Certificates valid on ``on``.
        expired: Certificates no longer valid on ``on``.
        pending: Certificates whose decision comes after ``on``.
        valid_by_stars: Valid certificates by stars.
        by_group: Products per (edition, product group).
        new_by_year: Evaluation year → stars → certified products (the yearly
            increments provinces report).
        by_unit: Unit code → counts; the unit is the commune, or the parent
            unit ``unit_of`` maps it to.
        grouped_by: ``"commune"`` or ``"parent"``.
        provisional: Ratings that rely on rule data not verified or secondary.
        editions: The rating editions used.

    .. versionadded:: 0.1.0
    """

    on: dt.date
    products: int
    evaluated_after: int
    by_stars: Mapping[int, int] = attrs.field(converter=_counts, hash=False)
    unrated: int
    five_star_candidates: int
    certified: int
    valid: int
    expired: int
    pending: int
    valid_by_stars: Mapping[int, int] = attrs.field(converter=_counts, hash=False)
    by_group: tuple[GroupCount, ...] = attrs.field(converter=_group_counts)
    new_by_year: Mapping[int, Mapping[int, int]] = attrs.field(converter=_nested, hash=False)
    by_unit: Mapping[str, UnitCounts] = attrs.field(converter=_units, hash=False)
    grouped_by: str
    provisional: int
    editions: tuple[str, ...] = attrs.field(converter=_strings)

    def new_certified(self, year: int, *, stars: int | None = None) -> int:
        """Products certified with an evaluation in ``year`` (with exactly ``stars``, if given)."""
        counts = self.new_by_year.get(year, {})
        if stars is None:
            return sum(counts.values())
        return counts.get(stars, 0)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready statistics (star counts keyed by the star number as text)."""
        return {
            "on": self.on.isoformat(),
            "products": self.products,
            "evaluated_after": self.evaluated_after,
            "by_stars": _star_dict(self.by_stars),
            "unrated": self.unrated,
            "five_star_candidates": self.five_star_candidates,
            "certified": self.certified,
            "valid": self.valid,
            "expired": self.expired,
            "pending": self.pending,
            "valid_by_stars": _star_dict(self.valid_by_stars),
            "by_group": [
                {
                    "edition": g.edition,
                    "group": g.code,
                    "name_vi": g.name_vi,
                    "name_en": g.name_en,
                    "count": g.count,
                }
                for g in self.by_group
            ],
            "new_by_year": {
                str(year): {"certified": sum(c.values()), "by_stars": _star_dict(c)}
                for year, c in self.new_by_year.items()
            },
            "grouped_by": self.grouped_by,
            "by_unit": {code: c.to_dict() for code, c in self.by_unit.items()},
            "provisional": self.provisional,
            "editions": list(self.editions),
        }

    def lines(self, lang: str = "en") -> list[str]:
        """A short summary in English (``"en"``) or Vietnamese (``"vi"``)."""
        return portfolio_lines(self.to_dict(), lang=lang)

    plot = Accessor(PortfolioPlots)
    """The plots of the portfolio: ``portfolio.plot.stars()``."""

    def __repr__(self) -> str:
        return _present.portfolio_repr(self)

    def _repr_html_(self) -> str:
        return _present.portfolio_html(self)

    def to_text(self, *, lang: Lang = "en") -> str:
        """The summary of :meth:`lines`, one line each.

        .. versionadded:: 0.1.0
        """
        return "\n".join(self.lines(check_lang(lang)))

    def to_frame(self) -> dict[str, Any]:
        """The counts as pandas DataFrames, one each, named.

        Keys: ``stars`` (products and valid certificates by stars),
        ``groups`` (products per edition and product group), ``units``
        (per commune, or per district when grouped by parent) and ``years``
        (newly certified by evaluation year and stars).

        Raises:
            MissingDependencyError: pandas is not installed.

        .. versionadded:: 0.1.0
        """
        return _present.portfolio_frames(self)

    def to_excel(
        self, path: str | os.PathLike[str], *, lang: Lang = "en", force: bool = False
    ) -> Path | None:
        """Write the counts as an Excel workbook: summary, stars, groups, units, years.

        Raises:
            OutputError: ``path`` exists and ``force`` is false, or cannot be written.
            MissingDependencyError: openpyxl is not installed.

        .. versionadded:: 0.1.0
        """
        sheets = _present.portfolio_sheets(self, lang=check_lang(lang))
        return write_bytes(
            path, workbook_bytes(sheets, feature="Portfolio.to_excel()"), force=force
        )


def _bincount(keys: npt.NDArray[Any], size: int) -> npt.NDArray[np.intp]:
    return np.bincount(keys, minlength=size) if keys.size else np.zeros(size, dtype=np.intp)


def portfolio(
    ratings: OcopBatch | Sequence[OcopRating],
    *,
    on: dt.date,
    unit_of: Mapping[str, str] | None = None,
    rulebook: Rulebook | None = None,
) -> Portfolio:
    """Statistics of rated products on ``on``: stars, groups, certificates, yearly increments.

    Counting is done with numpy reductions over the columns of the ratings
    (no loop over products when given an :class:`OcopBatch`).

    Args:
        ratings: An :class:`OcopBatch` from :func:`rate_many`, or ratings from :func:`rate`.
        on: The date of the statistics; certificates are valid or expired on it.
        unit_of: Maps commune codes to a parent unit (district or province
            code) to count per parent instead of per commune.
        rulebook: The rules that name the editions of ``ratings`` (sequence
            input only); the bundled rulebook when ``None``.

    Raises:
        InputError: If ``unit_of`` misses communes of the portfolio.

    >>> import datetime as dt
    >>> from ntm_core.ocop import OcopProduct, rate_many
    >>> batch = rate_many([
    ...     OcopProduct(code=f"SYN-{i}", name="Chè", commune_code=c, group="2",
    ...                 score_a=25, score_b=15, score_c=s, evaluated_on=dt.date(2021, 5, 1))
    ...     for i, (c, s) in enumerate([("18241", 30), ("18241", 2), ("18244", 20)])
    ... ])
    >>> p = portfolio(batch, on=dt.date(2022, 1, 1), unit_of={"18241": "440", "18244": "440"})
    >>> dict(p.by_stars), p.certified, p.valid, p.new_certified(2021)
    ({5: 0, 4: 1, 3: 1, 2: 1, 1: 0}, 2, 2, 2)
    >>> p.by_unit["440"].by_stars[4]
    1

    .. versionadded:: 0.1.0
    """
    batch = (
        ratings
        if isinstance(ratings, OcopBatch)
        else OcopBatch.from_ratings(list(ratings), rulebook=rulebook)
    )
    day = day_of(on)
    table = batch.table
    counted = table.evaluated_on <= day
    size = max(batch.star_levels, default=0) + 1
    stars = batch.stars.astype(np.intp)
    star_counts = _bincount(stars[counted], size)
    certified = batch.certified & counted
    started = certified & (batch.valid_from <= day)
    open_end = np.isnat(batch.valid_until)
    valid = started & (open_end | (batch.valid_until > day))
    expired = started & ~valid
    pending = certified & ~started
    candidates = batch.five_star_candidate & counted
    valid_counts = _bincount(stars[valid], size)

    group_codes, group_index = np.unique(table.groups, return_inverse=True)
    group_keys = batch.edition_index.astype(np.intp) * len(group_codes) + group_index
    per_group = _bincount(group_keys[counted], len(batch.editions) * len(group_codes))
    by_group = []
    for key in np.flatnonzero(per_group):
        edition = batch.editions[int(key) // len(group_codes)]
        code = str(group_codes[int(key) % len(group_codes)])
        name_vi, name_en = batch.group_names.get((edition, code), (code, code))
        by_group.append(GroupCount(edition=edition, code=code, name_vi=name_vi,
                                   name_en=name_en, count=int(per_group[key])))  # fmt: skip

    years = table.evaluated_on.astype("datetime64[Y]").astype(np.int64) + 1970
    new_by_year: dict[int, dict[int, int]] = {}
    if certified.any():
        first = int(years[certified].min())
        span = int(years[certified].max()) - first + 1
        per_year = _bincount((years[certified] - first) * size + stars[certified], span * size)
        for offset, row in enumerate(per_year.reshape(span, size)):
            if row.any():
                new_by_year[first + offset] = {
                    level: int(row[level]) for level in batch.star_levels if row[level]
                }

    by_unit = _unit_counts(batch, unit_of, counted=counted, valid=valid, expired=expired,
                           size=size)  # fmt: skip
    used = np.unique(batch.edition_index[counted])
    return Portfolio(
        on=on,
        products=int(counted.sum()),
        evaluated_after=int((~counted).sum()),
        by_stars={level: int(star_counts[level]) for level in batch.star_levels},
        unrated=int(star_counts[0]) if size else 0,
        five_star_candidates=int(candidates.sum()),
        certified=int(certified.sum()),
        valid=int(valid.sum()),
        expired=int(expired.sum()),
        pending=int(pending.sum()),
        valid_by_stars={level: int(valid_counts[level]) for level in batch.star_levels},
        by_group=by_group,
        new_by_year=new_by_year,
        by_unit=by_unit,
        grouped_by="commune" if unit_of is None else "parent",
        provisional=int((batch.provisional & counted).sum()),
        editions=[batch.editions[int(i)] for i in used],
    )


def _unit_counts(
    batch: OcopBatch,
    unit_of: Mapping[str, str] | None,
    *,
    counted: npt.NDArray[np.bool_],
    valid: npt.NDArray[np.bool_],
    expired: npt.NDArray[np.bool_],
    size: int,
) -> dict[str, UnitCounts]:
    communes, commune_index = np.unique(batch.table.communes[counted], return_inverse=True)
    if unit_of is None:
        units = [str(c) for c in communes]
        unit_index = commune_index
    else:
        missing = [str(c) for c in communes if str(c) not in unit_of]
        if missing:
            shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
            raise InputError(
                f"unit_of does not map {len(missing)} commune code(s) of the portfolio: {shown}",
                column="commune_code",
                value=missing[0],
            )
        parents = np.array([unit_of[str(c)] for c in communes], dtype=np.str_)
        unique_parents, parent_of_commune = np.unique(parents, return_inverse=True)
        units = [str(u) for u in unique_parents]
        unit_index = parent_of_commune[commune_index] if communes.size else commune_index
    n = len(units)
    stars = batch.stars[counted].astype(np.intp)
    products = _bincount(unit_index, n)
    certified = _bincount(unit_index[batch.certified[counted]], n)
    valid_n = _bincount(unit_index[valid[counted]], n)
    expired_n = _bincount(unit_index[expired[counted]], n)
    candidates = _bincount(unit_index[batch.five_star_candidate[counted]], n)
    per_star = _bincount(unit_index * size + stars, n * size).reshape(n, size)
    return {
        unit: UnitCounts(
            products=int(products[i]),
            certified=int(certified[i]),
            valid=int(valid_n[i]),
            expired=int(expired_n[i]),
            five_star_candidates=int(candidates[i]),
            by_stars={level: int(per_star[i, level]) for level in batch.star_levels},
        )
        for i, unit in enumerate(units)
    }
