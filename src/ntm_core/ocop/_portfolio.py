"""OCOP portfolio statistics (numpy reductions) and progress against targets given as data.

The public names are re-exported, and documented, by :mod:`ntm_core.ocop`.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import Citation, Provenance
from ntm_core.exceptions import DataError, InputError, InputErrors
from ntm_core.ocop._batch import OcopBatch, _day
from ntm_core.ocop._model import OcopRating
from ntm_core.rules import Rulebook

__all__ = [
    "HA_TINH_TARGETS",
    "TARGETS_SCHEMA",
    "GroupCount",
    "OcopProgress",
    "OcopTarget",
    "OcopTargets",
    "Portfolio",
    "TargetProgress",
    "TargetScope",
    "UnitCounts",
    "portfolio",
    "progress",
]

HA_TINH_TARGETS = Path(__file__).parent.parent / "datasets" / "ocop" / "targets-ha-tinh.toml"
"""The bundled file of Hà Tĩnh's yearly OCOP targets."""

TARGETS_SCHEMA = "ntm_core.ocop-targets/1"
"""The ``schema`` value of an OCOP targets file."""


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


def portfolio_lines(data: Mapping[str, Any], *, lang: str = "en") -> list[str]:
    """The summary of :meth:`Portfolio.to_dict` data (also when read back from JSON)."""
    vi = lang == "vi"
    stars = ", ".join(f"{k}★ {v}" for k, v in data["by_stars"].items())
    years = ", ".join(f"{y}: {v['certified']}" for y, v in data["new_by_year"].items())
    later = data["evaluated_after"]
    if vi:
        after = f" (không tính {later} sản phẩm đánh giá sau ngày này)" if later else ""
        lines = [
            f"Sản phẩm OCOP đến ngày {data['on']}: {data['products']} sản phẩm đã đánh giá{after}",
            (
                f"  hạng sao: {stars}; chưa xếp hạng {data['unrated']}; "
                f"tiềm năng 5 sao {data['five_star_candidates']}"
            ),
            (
                f"  chứng nhận: {data['certified']} sản phẩm, còn hiệu lực {data['valid']}, "
                f"hết hiệu lực {data['expired']}, chờ quyết định {data['pending']}"
            ),
            f"  chứng nhận mới theo năm đánh giá: {years or '-'}",
        ]
        if data["provisional"]:
            lines.append(
                f"  {data['provisional']} kết quả tạm tính (dữ liệu quy tắc chưa được kiểm chứng)"
            )
        return lines
    after = f" ({later} evaluated later, not counted)" if later else ""
    lines = [
        f"OCOP portfolio on {data['on']}: {data['products']} products rated{after}",
        (
            f"  stars: {stars}; unrated {data['unrated']}; "
            f"5-star candidates {data['five_star_candidates']}"
        ),
        (
            f"  certificates: {data['certified']} certified, {data['valid']} valid, "
            f"{data['expired']} expired, {data['pending']} pending"
        ),
        f"  newly certified by evaluation year: {years or '-'}",
    ]
    if data["provisional"]:
        lines.append(f"  {data['provisional']} ratings provisional (rule data not verified)")
    return lines


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
    day = _day(on)
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


# ---------------------------------------------------------------- targets


class TargetScope(enum.Enum):
    """What a target counts.

    ``NEW``: products certified with an evaluation in the target year (the
    yearly increment, as in "95 more products certified in 2021").
    ``HELD``: products holding a valid certificate on the date.

    .. versionadded:: 0.1.0
    """

    NEW = "new"
    HELD = "held"


@attrs.frozen(kw_only=True)
class OcopTarget:
    """One OCOP target: at least ``minimum`` products, of exactly ``stars`` stars if set.

    Attributes:
        key: A stable key (``certified_new``).
        minimum: The least number of products.
        scope: New in the year, or held on the date.
        stars: Count only products with exactly these stars; ``None`` counts
            every certified product.
        aspiration: A "strive for" (*phấn đấu*) goal rather than a firm minimum.
        label_vi: The target in Vietnamese.
        label_en: The target in English.

    .. versionadded:: 0.1.0
    """

    key: str
    minimum: int
    scope: TargetScope
    label_vi: str
    label_en: str
    stars: int | None = None
    aspiration: bool = False


def _targets(value: Iterable[OcopTarget]) -> tuple[OcopTarget, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class OcopTargets:
    """A unit's OCOP targets for one year, with the instrument that sets them.

    >>> t = OcopTargets.bundled(year=2022)
    >>> t.unit_name, [(x.key, x.minimum) for x in t.targets]
    ('Tỉnh Hà Tĩnh', [('certified_new', 50), ('four_star_new', 5), ('five_star', 1)])

    .. versionadded:: 0.1.0
    """

    unit_code: str
    unit_name: str
    year: int
    targets: tuple[OcopTarget, ...] = attrs.field(converter=_targets)
    citation: Citation
    provenance: Provenance
    quote: str | None = None
    source: str | None = None
    note: str | None = None

    @classmethod
    def read_all(cls, path: str | os.PathLike[str]) -> tuple[OcopTargets, ...]:
        """Every yearly target set of a targets TOML file, by year.

        Raises:
            DataError: The file cannot be read or is not a targets file.
            ExceptionGroup: Of :class:`~ntm_core.exceptions.DataError`, every
                problem of the target sets.
        """
        source = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
        except OSError as err:
            raise DataError(f"cannot read the file: {err.strerror}", source=source) from None
        except tomllib.TOMLDecodeError as err:
            raise DataError(f"not a TOML file: {err}", source=source) from None
        if data.get("schema") != TARGETS_SCHEMA:
            raise DataError(
                f"expected schema = {TARGETS_SCHEMA!r}, got {data.get('schema')!r}", source=source
            )
        problems: list[Exception] = []
        unit = data.get("unit", {})
        sets: list[OcopTargets] = []
        for i, raw in enumerate(data.get("sets", [])):
            try:
                sets.append(_parse_set(raw, unit))
            except (KeyError, TypeError, ValueError) as err:
                problems.append(DataError(f"sets[{i}]: {err}", source=source))
        if problems:
            raise InputErrors(f"{source}: bad OCOP targets", problems)
        if not sets:
            raise DataError("no [[sets]] of targets", source=source)
        return tuple(sorted(sets, key=lambda s: s.year))

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], *, year: int) -> OcopTargets:
        """The target set for ``year`` from a targets TOML file.

        Raises:
            KeyError: If the file has no set for ``year``.
        """
        for targets in cls.read_all(path):
            if targets.year == year:
                return targets
        years = ", ".join(str(t.year) for t in cls.read_all(path))
        msg = f"{path} has no OCOP targets for {year}; it has {years}"
        raise KeyError(msg)

    @classmethod
    def bundled(cls, *, year: int) -> OcopTargets:
        """Hà Tĩnh's OCOP targets for ``year`` (the bundled file has 2022)."""
        return cls.from_toml(HA_TINH_TARGETS, year=year)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready targets with their citation and provenance."""
        return {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "year": self.year,
            "citation": self.citation.to_dict(),
            "provenance": self.provenance.value,
            "quote": self.quote,
        }


def _parse_set(raw: Mapping[str, Any], unit: Mapping[str, Any]) -> OcopTargets:
    citation = raw["citation"]
    items = []
    for item in raw["targets"]:
        stars = item.get("stars")
        if stars is not None and not isinstance(stars, int):
            msg = f"stars must be a whole number, got {stars!r}"
            raise TypeError(msg)
        minimum = item["minimum"]
        if not isinstance(minimum, int) or minimum < 0:
            msg = f"minimum must be a whole number >= 0, got {minimum!r}"
            raise ValueError(msg)
        items.append(
            OcopTarget(
                key=str(item["key"]),
                minimum=minimum,
                scope=TargetScope(item["scope"]),
                stars=stars,
                aspiration=bool(item.get("aspiration", False)),
                label_vi=str(item["label_vi"]),
                label_en=str(item["label_en"]),
            )
        )
    return OcopTargets(
        unit_code=str(unit["code"]),
        unit_name=str(unit["name"]),
        year=int(raw["year"]),
        targets=items,
        citation=Citation.from_mapping(citation),
        provenance=Provenance(raw["provenance"]),
        quote=raw.get("quote"),
        source=raw.get("source"),
        note=raw.get("note"),
    )


@attrs.frozen(kw_only=True)
class TargetProgress:
    """How far a portfolio is on one target.

    .. versionadded:: 0.1.0
    """

    target: OcopTarget
    achieved: int

    @property
    def met(self) -> bool:
        """Whether the minimum is reached."""
        return self.achieved >= self.target.minimum

    @property
    def shortfall(self) -> int:
        """Products still needed (0 when met)."""
        return max(0, self.target.minimum - self.achieved)


def _progress_items(value: Iterable[TargetProgress]) -> tuple[TargetProgress, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class OcopProgress:
    """A portfolio against a year's targets.

    Attributes:
        targets: The targets.
        on: The date of the portfolio.
        items: One entry per target.
        final: Whether ``on`` is the target year's last day or later (else the
            counts may still rise).
        five_star_candidates: Products in the 5-star band awaiting central recognition.

    .. versionadded:: 0.1.0
    """

    targets: OcopTargets
    on: dt.date
    items: tuple[TargetProgress, ...] = attrs.field(converter=_progress_items)
    final: bool
    five_star_candidates: int

    @property
    def met(self) -> bool:
        """Whether every firm target (not the aspirations) is met."""
        return all(i.met for i in self.items if not i.target.aspiration)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready progress."""
        return {
            "targets": self.targets.to_dict(),
            "on": self.on.isoformat(),
            "final": self.final,
            "met": self.met,
            "five_star_candidates": self.five_star_candidates,
            "items": [
                {
                    "key": i.target.key,
                    "label_vi": i.target.label_vi,
                    "label_en": i.target.label_en,
                    "scope": i.target.scope.value,
                    "stars": i.target.stars,
                    "aspiration": i.target.aspiration,
                    "minimum": i.target.minimum,
                    "achieved": i.achieved,
                    "met": i.met,
                    "shortfall": i.shortfall,
                }
                for i in self.items
            ],
        }

    def lines(self, lang: str = "en") -> list[str]:
        """A short summary in English (``"en"``) or Vietnamese (``"vi"``)."""
        return progress_lines(self.to_dict(), lang=lang)


def progress_lines(data: Mapping[str, Any], *, lang: str = "en") -> list[str]:
    """The summary of :meth:`OcopProgress.to_dict` data (also when read back from JSON)."""
    vi = lang == "vi"
    targets = data["targets"]
    cite = Citation.from_mapping(targets["citation"])
    state = "" if data["final"] else (" (năm chưa kết thúc)" if vi else " (year not over)")
    if vi:
        head = f"Mục tiêu OCOP {targets['year']} của {targets['unit_name']} ({cite}){state}:"
    else:
        head = f"OCOP targets {targets['year']} of {targets['unit_name']} ({cite}){state}:"
    lines = [head]
    for item in data["items"]:
        label = item["label_vi"] if vi else item["label_en"]
        if item["met"]:
            verdict = "đạt" if vi else "met"
        elif vi:
            verdict = f"chưa đạt, thiếu {item['shortfall']}"
        else:
            verdict = f"not met, {item['shortfall']} short"
        kind = (" (phấn đấu)" if vi else " (aspiration)") if item["aspiration"] else ""
        lines.append(f"  {label}{kind}: {item['achieved']}/{item['minimum']} — {verdict}")
    if data["five_star_candidates"]:
        n = data["five_star_candidates"]
        lines.append(
            f"  sản phẩm tiềm năng 5 sao chờ Hội đồng trung ương công nhận: {n}"
            if vi
            else f"  5-star candidates awaiting central recognition: {n}"
        )
    return lines


def progress(portfolio: Portfolio, targets: OcopTargets) -> OcopProgress:
    """Compare a portfolio with a year's targets.

    ``NEW`` targets count products certified with an evaluation in the target
    year up to the portfolio's date; ``HELD`` targets count certificates valid
    on that date. A target with ``stars`` counts exactly that many stars; a
    5-star candidate holds 4 stars and counts there. To judge a past year's
    targets, pass a portfolio made on that year's last day (as
    :func:`~ntm_core.ocop.ocop_section` does).

    >>> import datetime as dt
    >>> from ntm_core.ocop import sample_products, rate_many, portfolio as stats
    >>> p = stats(rate_many(sample_products()), on=dt.date(2022, 12, 31))
    >>> [(i.target.key, i.met) for i in progress(p, OcopTargets.bundled(year=2022)).items]
    [('certified_new', True), ('four_star_new', True), ('five_star', False)]

    .. versionadded:: 0.1.0
    """
    items = []
    for target in targets.targets:
        if target.scope is TargetScope.NEW:
            achieved = portfolio.new_certified(targets.year, stars=target.stars)
        elif target.stars is None:
            achieved = portfolio.valid
        else:
            achieved = portfolio.valid_by_stars.get(target.stars, 0)
        items.append(TargetProgress(target=target, achieved=achieved))
    return OcopProgress(
        targets=targets,
        on=portfolio.on,
        items=items,
        final=portfolio.on >= dt.date(targets.year, 12, 31),
        five_star_candidates=portfolio.five_star_candidates,
    )
