"""The batch path of OCOP rating: many products at once with numpy, same answers as :func:`rate`.

Scores are exact: every part score is an integer multiple of ``1/denominator``
(the least common multiple of every score's and band edge's denominator), so
totals and band comparisons are integer arithmetic. When those integers could
overflow ``int64`` the arrays hold Python integers instead (slower, still exact).

The public names are re-exported, and documented, by :mod:`ntm_core.ocop`.
"""

import datetime as dt
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.dates import as_date
from ntm_core._core.display import Lang, check_lang
from ntm_core._core.numbers import json_number
from ntm_core._core.tables import write_bytes
from ntm_core._core.workbook import workbook_bytes
from ntm_core.exceptions import InputError, InputErrors
from ntm_core.ocop import _present
from ntm_core.ocop._product import CertifyingLevel, OcopProduct
from ntm_core.ocop._rating import (
    RULESET_KEY,
    OcopRating,
    check_product,
    edition_for,
    group_code,
    scheme_of,
)
from ntm_core.rules import Rulebook, RuleSet

__all__ = ["OcopBatch", "OcopTable", "add_months_array", "day_of", "rate_many"]

_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # the int64 pattern of NaT
_LIMIT = 2**60  # scaled scores beyond this use Python integers (no int64 overflow in sums)
_CERTIFIERS = tuple(CertifyingLevel)
_PARTS = ("A", "B", "C")

Days = npt.NDArray[np.datetime64]
Bools = npt.NDArray[np.bool_]


def _days(ordinals: Sequence[int]) -> Days:
    """Days since 1970 (``_NAT`` for missing) as ``datetime64[D]``."""
    return np.asarray(ordinals, dtype=np.int64).astype("datetime64[D]")


def day_of(value: dt.date) -> np.datetime64:
    """``value`` as a ``datetime64[D]`` day, to compare with the date columns."""
    return np.datetime64(value.toordinal() - _EPOCH, "D")


def _date(value: np.datetime64) -> dt.date | None:
    if np.isnat(value):
        return None
    return dt.date.fromordinal(int(value.astype(np.int64)) + _EPOCH)


def _integers(values: Sequence[int]) -> npt.NDArray[Any]:
    """``int64`` when every value is comfortably small, else an object array of Python ints."""
    if values and max(abs(min(values)), abs(max(values))) >= _LIMIT:
        return np.array(values, dtype=object)
    return np.array(values, dtype=np.int64)


def add_months_array(days: Days, months: int) -> Days:
    """:func:`~ntm_core.ocop.add_months` for an array of ``datetime64[D]`` (NaT stays NaT).

    >>> import numpy as np
    >>> add_months_array(np.array(["2022-03-31", "2020-02-29"], dtype="datetime64[D]"), 36)
    array(['2025-03-31', '2023-02-28'], dtype='datetime64[D]')

    .. versionadded:: 0.1.0
    """
    month = days.astype("datetime64[M]")
    missing = np.isnat(days)
    offset = np.where(missing, 0, (days - month.astype("datetime64[D]")).astype(np.int64))
    target = month + np.timedelta64(months, "M")
    first = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    out: Days = first + np.minimum(offset, np.where(missing, 0, length - 1)).astype(
        "timedelta64[D]"
    )
    out[missing] = np.datetime64("NaT")
    return out


@attrs.frozen(kw_only=True, eq=False)
class OcopTable:
    """Products as columns, ready for :func:`rate_many` (build with :meth:`from_products`).

    Attributes:
        products: The products, in order.
        scores: Part scores A, B, C, shape ``(n, 3)``, in units of ``1/denominator``.
        denominator: The common denominator of every score.
        groups: Product group codes.
        communes: Commune codes.
        evaluated_on: Evaluation dates (``datetime64[D]``).
        decision_date: Decision dates, ``NaT`` when not recorded.
        central: Whether central recognition is recorded (``True``).

    .. versionadded:: 0.1.0
    """

    products: tuple[OcopProduct, ...]
    scores: npt.NDArray[Any]
    denominator: int
    groups: npt.NDArray[Any]  # strings; np.str_ trips Sphinx (a trailing _ is RST)
    communes: npt.NDArray[Any]
    evaluated_on: Days
    decision_date: Days
    central: Bools

    @classmethod
    def from_products(cls, products: Iterable[OcopProduct]) -> "OcopTable":
        """Columns of ``products`` (one pass over them; no rules needed)."""
        items = tuple(products)
        a = [p.score_a for p in items]
        b = [p.score_b for p in items]
        c = [p.score_c for p in items]
        denominators = {f.denominator for f in a} | {f.denominator for f in b}
        denominators |= {f.denominator for f in c}
        lcm = math.lcm(*denominators) if denominators else 1
        if lcm == 1:
            flat = [f.numerator for f in a] + [f.numerator for f in b] + [f.numerator for f in c]
        else:
            flat = [f.numerator * (lcm // f.denominator) for f in (*a, *b, *c)]
        scores = _integers(flat).reshape(3, len(items)).T if items else np.zeros((0, 3), np.int64)
        return cls(
            products=items,
            scores=scores,
            denominator=lcm,
            groups=np.array([p.group for p in items], dtype=np.str_),
            communes=np.array([p.commune_code for p in items], dtype=np.str_),
            evaluated_on=_days([p.evaluated_on.toordinal() - _EPOCH for p in items]),
            decision_date=_days(
                [p.decision_date.toordinal() - _EPOCH if p.decision_date else _NAT for p in items]
            ),
            central=np.array([p.central_recognition is True for p in items], dtype=np.bool_),
        )

    def __len__(self) -> int:
        return len(self.products)


@attrs.frozen(kw_only=True, eq=False)
class OcopBatch:
    """Ratings of many products as columns: the answers of :func:`rate`, without explanations.

    Attributes:
        table: The products rated.
        editions: The ids of the rating editions, indexed by :attr:`edition_index`.
        edition_index: Per product, the edition used.
        totals: Exact totals in units of ``1/denominator``.
        denominator: The common denominator of the totals.
        stars: Stars held, 0 when below every band (``None`` in :class:`OcopRating`).
        five_star_candidate: The total reaches the centrally certified band
            without central recognition.
        certified: The band held is an OCOP certification.
        certifier: Index into ``tuple(CertifyingLevel)``, -1 for none.
        valid_from: First day of the certificate (``NaT`` when not certified).
        valid_until: First day it is no longer valid (``NaT`` when not
            certified or when the edition gives no validity).
        provisional: The rating relies on rule data that is not verified or secondary.
        star_levels: Every star count of the editions' bands, highest first.
        group_names: ``(edition id, group code)`` → ``(name_vi, name_en)``.

    .. versionadded:: 0.1.0
    """

    table: OcopTable
    editions: tuple[str, ...]
    edition_index: npt.NDArray[np.int8]
    totals: npt.NDArray[Any]
    denominator: int
    stars: npt.NDArray[np.int8]
    five_star_candidate: Bools
    certified: Bools
    certifier: npt.NDArray[np.int8]
    valid_from: Days
    valid_until: Days
    provisional: Bools
    star_levels: tuple[int, ...]
    group_names: Mapping[tuple[str, str], tuple[str, str]]

    def __len__(self) -> int:
        return len(self.table)

    @property
    def codes(self) -> tuple[str, ...]:
        """The product codes, in order."""
        return tuple(p.code for p in self.table.products)

    def total(self, index: int) -> Fraction:
        """The exact total of product ``index``."""
        return Fraction(int(self.totals[index]), self.denominator)

    def valid_on(self, on: dt.date) -> Bools:
        """Per product, whether it holds a valid certificate on ``on`` (half-open validity)."""
        day = day_of(on)
        started = self.certified & (self.valid_from <= day)
        open_end = np.isnat(self.valid_until)
        return started & (open_end | (self.valid_until > day))

    def to_records(self, *, on: dt.date) -> list[dict[str, object]]:
        """One JSON-ready record per product: code, total, stars, validity on ``on`` and more."""
        valid = self.valid_on(on)
        records: list[dict[str, object]] = []
        for i, product in enumerate(self.table.products):
            stars = int(self.stars[i])
            certifier = int(self.certifier[i])
            records.append({
                "code": product.code,
                "name": product.name,
                "commune_code": product.commune_code,
                "group": product.group,
                "edition": self.editions[int(self.edition_index[i])],
                "total": json_number(self.total(i)),
                "stars": stars or None,
                "five_star_candidate": bool(self.five_star_candidate[i]),
                "certified": bool(self.certified[i]),
                "certifier": _CERTIFIERS[certifier].value if certifier >= 0 else None,
                "valid_from": _iso(self.valid_from[i]),
                "valid_until": _iso(self.valid_until[i]),
                "valid": bool(valid[i]),
                "provisional": bool(self.provisional[i]),
            })  # fmt: skip
        return records

    def __repr__(self) -> str:
        return _present.batch_repr(self)

    def _repr_html_(self) -> str:
        return _present.batch_html(self)

    def to_text(self, *, on: dt.date | str | None = None, lang: Lang = "en") -> str:
        """The products as a table of columns (with their validity on ``on``, if given).

        Columns: code, name (cut at 32 characters), group, total, stars,
        5-star candidate, valid until and, with ``on``, valid on that date;
        headers and yes/no in English (``"en"``) or Vietnamese (``"vi"``).

        .. versionadded:: 0.1.0
        """
        day = None if on is None else as_date(on)
        return _present.batch_text(self, on=day, lang=check_lang(lang))

    def to_dict(self, *, on: dt.date | str) -> dict[str, object]:
        """JSON-ready: ``{"on": …, "products": to_records(on=on)}``.

        .. versionadded:: 0.1.0
        """
        day = as_date(on)
        return {"on": day.isoformat(), "products": self.to_records(on=day)}

    def to_frame(self, *, on: dt.date | str | None = None) -> Any:  # noqa: ANN401 - a DataFrame, pandas optional
        """One row per product (the fields of :meth:`to_records`; ``valid`` only with ``on``).

        Raises:
            MissingDependencyError: pandas is not installed.

        .. versionadded:: 0.1.0
        """
        day = None if on is None else as_date(on)
        records = _present.product_rows(self, on=day)
        if day is None:
            for record in records:
                del record["valid"]
        return _present.frame(records, feature="OcopBatch.to_frame()")

    def to_excel(
        self,
        path: str | os.PathLike[str],
        *,
        on: dt.date | str | None = None,
        targets: object = None,
        lang: Lang = "en",
        force: bool = False,
    ) -> Path | None:
        """Write the ratings as an Excel workbook: products, and with ``on`` the portfolio.

        With ``on``, sheets of the portfolio on that date follow (summary, by
        stars, by group, by unit, by evaluation year) and, with ``targets``
        (an :class:`OcopTargets` or several years'), the progress on them.
        Headers are in ``lang`` and frozen; numbers are numbers.

        Raises:
            OutputError: ``path`` exists and ``force`` is false, or cannot be written.
            MissingDependencyError: openpyxl is not installed.

        .. versionadded:: 0.1.0
        """
        day = None if on is None else as_date(on)
        sheets = _present.batch_sheets(self, on=day, targets=targets, lang=check_lang(lang))
        return write_bytes(
            path, workbook_bytes(sheets, feature="OcopBatch.to_excel()"), force=force
        )

    @classmethod
    def from_ratings(
        cls, ratings: Sequence[OcopRating], *, rulebook: Rulebook | None = None
    ) -> "OcopBatch":
        """Columns of ratings made one by one with :func:`rate` (for :func:`portfolio`).

        The rulebook (the bundled one when ``None``) supplies the group names
        and star levels of the editions the ratings name.
        """
        book = rulebook if rulebook is not None else Rulebook.bundled()
        table = OcopTable.from_products(r.product for r in ratings)
        editions = tuple(sorted({r.edition for r in ratings}, key=lambda e: book.get(e).valid_from))
        position = {e: i for i, e in enumerate(editions)}
        levels: set[int] = set()
        names: dict[tuple[str, str], tuple[str, str]] = {}
        for edition_id in editions:
            scheme = scheme_of(book.get(edition_id))
            levels.update(b.stars for b in scheme.stars)
            names.update({(edition_id, g): v for g, v in scheme.groups.items()})
        return cls(
            table=table,
            editions=editions,
            edition_index=np.array([position[r.edition] for r in ratings], dtype=np.int8),
            totals=_integers([int(r.total * table.denominator) for r in ratings]),
            denominator=table.denominator,
            stars=np.array([r.stars or 0 for r in ratings], dtype=np.int8),
            five_star_candidate=np.array([r.five_star_candidate for r in ratings], dtype=np.bool_),
            certified=np.array([r.certified for r in ratings], dtype=np.bool_),
            certifier=np.array(
                [_CERTIFIERS.index(r.certifier) if r.certifier else -1 for r in ratings],
                dtype=np.int8,
            ),
            valid_from=_days([_ordinal(r.valid_from) for r in ratings]),
            valid_until=_days([_ordinal(r.valid_until) for r in ratings]),
            provisional=np.array([r.provisional for r in ratings], dtype=np.bool_),
            star_levels=tuple(sorted(levels, reverse=True)),
            group_names=MappingProxyType(names),
        )


def _ordinal(value: dt.date | None) -> int:
    return _NAT if value is None else value.toordinal() - _EPOCH


def _iso(value: np.datetime64) -> str | None:
    day = _date(value)
    return day.isoformat() if day else None


@attrs.frozen(eq=False)
class _Bands:
    """One edition's bands, lowest first, with a "no band" entry at index 0."""

    edges: npt.NDArray[Any]  # band minima in units of 1/denominator (without the 0 entry)
    stars: npt.NDArray[np.int8]
    certified: Bools
    certifier: npt.NDArray[np.int8]
    central: Bools
    fallback: npt.NDArray[np.intp]
    unreliable: Bools


def _bands(edition: RuleSet, denominator: int) -> _Bands:
    scheme = scheme_of(edition)
    ascending = sorted(scheme.stars, key=lambda b: b.min_score)
    central = [b.certifier == CertifyingLevel.CENTRAL.value for b in ascending]
    fallback = [0]
    for j, band in enumerate(ascending, start=1):
        below = [
            i for i, other in enumerate(ascending[: j - 1], start=1)
            if other.min_score < band.min_score and not central[i - 1]
        ]  # fmt: skip
        fallback.append(below[-1] if below else 0)
    return _Bands(
        edges=_integers([int(b.min_score * denominator) for b in ascending]),
        stars=np.array([0, *(b.stars for b in ascending)], dtype=np.int8),
        certified=np.array([False, *(b.certified for b in ascending)], dtype=np.bool_),
        certifier=np.array(
            [
                -1,
                *(
                    _CERTIFIERS.index(CertifyingLevel(b.certifier)) if b.certifier else -1
                    for b in ascending
                ),
            ],
            dtype=np.int8,
        ),
        central=np.array([False, *central], dtype=np.bool_),
        fallback=np.array(fallback, dtype=np.intp),
        unreliable=np.array(
            [False, *(not b.provenance.reliable for b in ascending)], dtype=np.bool_
        ),
    )


def _errors(table: OcopTable, bad: Bools, editions: Sequence[RuleSet], book: Rulebook) -> NoReturn:
    """Raise every problem of the products flagged ``bad``, as :func:`rate` words them."""
    problems: list[Exception] = []
    for i in np.flatnonzero(bad):
        product = table.products[int(i)]
        try:
            check_product(product, edition_for(product, book))
        except InputError as err:
            problems.append(err)
    if len(problems) != int(bad.sum()):  # pragma: no cover - the two paths agree (tested)
        msg = "the batch and scalar OCOP checks disagree"
        raise AssertionError(msg)
    ids = ", ".join(e.id for e in editions)
    raise InputErrors(f"{len(problems)} product(s) cannot be rated under {ids}", problems)


def rate_many(
    products: Iterable[OcopProduct] | OcopTable, *, rulebook: Rulebook | None = None
) -> OcopBatch:
    """Rate many products at once: the same answers as :func:`rate`, as columns.

    Each product is rated under the edition in force on its evaluation date;
    totals and band comparisons are exact integer arithmetic.

    Args:
        products: The products, or an :class:`OcopTable` of them.
        rulebook: The rules; the bundled rulebook when ``None``.

    Raises:
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, one per
            product that cannot be rated, worded as :func:`rate` words it.

    >>> import datetime as dt
    >>> from ntm_core.ocop import OcopProduct
    >>> batch = rate_many([
    ...     OcopProduct(code="SYN-1", name="Chè", commune_code="18241", group="2",
    ...                 score_a=30, score_b=20, score_c=40, evaluated_on=dt.date(2021, 5, 1)),
    ...     OcopProduct(code="SYN-2", name="Cam", commune_code="18241", group="1",
    ...                 score_a=20, score_b=10, score_c=19, evaluated_on=dt.date(2024, 5, 1)),
    ... ])
    >>> batch.stars.tolist(), batch.five_star_candidate.tolist(), batch.certified.tolist()
    ([4, 2], [True, False], [True, False])

    .. versionadded:: 0.1.0
    """
    book = rulebook if rulebook is not None else Rulebook.bundled()
    table = products if isinstance(products, OcopTable) else OcopTable.from_products(products)
    editions = [book.in_force(RULESET_KEY, on=e.valid_from) for e in book.editions(RULESET_KEY)]
    denominator = math.lcm(
        table.denominator,
        *(b.min_score.denominator for e in editions for b in scheme_of(e).stars),
    )
    table = _group_codes(table, editions)
    factor = denominator // table.denominator
    scores = table.scores * factor if factor != 1 else table.scores
    edition_index, bad = _assign(table, scores, editions, denominator)
    if bad.any():
        _errors(table, bad, editions, book)
    n = len(table)
    totals = scores.sum(axis=1) if n else np.zeros(0, np.int64)
    out = _Columns.empty(n)
    names: dict[tuple[str, str], tuple[str, str]] = {}
    levels: set[int] = set()
    for k, edition in enumerate(editions):
        scheme = scheme_of(edition)
        names.update({(edition.id, g): v for g, v in scheme.groups.items()})
        levels.update(b.stars for b in scheme.stars)
        mask = edition_index == k
        if mask.any():
            _rate_edition(out, mask, table, totals, edition, denominator)
    return OcopBatch(
        table=table,
        editions=tuple(e.id for e in editions),
        edition_index=edition_index,
        totals=totals,
        denominator=denominator,
        stars=out.stars,
        five_star_candidate=out.candidate,
        certified=out.certified,
        certifier=out.certifier,
        valid_from=out.valid_from,
        valid_until=out.valid_until,
        provisional=out.provisional,
        star_levels=tuple(sorted(levels, reverse=True)),
        group_names=MappingProxyType(names),
    )


def _in_force(day: Days, edition: RuleSet) -> Bools:
    mask: Bools = day >= day_of(edition.valid_from)
    if edition.valid_to is not None:
        mask &= day < day_of(edition.valid_to)
    return mask


def _group_codes(table: OcopTable, editions: Sequence[RuleSet]) -> OcopTable:
    """``table`` with every group given by name replaced by its code (as :func:`rate` does)."""
    groups = [str(g) for g in table.groups]
    changed = False
    for edition in editions:
        scheme = scheme_of(edition)
        rows = np.flatnonzero(_in_force(table.evaluated_on, edition))
        names = np.unique(table.groups[rows]) if rows.size else ()
        codes = {str(n): group_code(scheme, str(n)) for n in names if str(n) not in scheme.groups}
        codes = {n: c for n, c in codes.items() if c is not None}
        for i in rows if codes else ():
            code = codes.get(groups[int(i)])
            if code is not None:
                groups[int(i)] = code
                changed = True
    if not changed:
        return table
    products = tuple(
        p if p.group == g else attrs.evolve(p, group=g)
        for p, g in zip(table.products, groups, strict=True)
    )
    return attrs.evolve(table, products=products, groups=np.array(groups, dtype=np.str_))


def _assign(
    table: OcopTable, scores: npt.NDArray[Any], editions: Sequence[RuleSet], denominator: int
) -> tuple[npt.NDArray[np.int8], Bools]:
    """Per product, the edition in force on its evaluation date, and whether it cannot be rated."""
    n = len(table)
    day = table.evaluated_on
    edition_index = np.full(n, -1, dtype=np.int8)
    bad = np.zeros(n, dtype=np.bool_)
    for k, edition in enumerate(editions):
        mask = _in_force(day, edition)
        edition_index[mask] = k
        scheme = scheme_of(edition)
        maxima = {p.code: p.max * denominator for p in scheme.parts}
        limits = _integers([maxima[code] for code in _PARTS])
        wrong = (scores < 0).any(axis=1) | (scores > limits).any(axis=1)
        wrong |= ~np.isin(table.groups, list(scheme.groups))
        bad |= mask & wrong
    bad |= edition_index < 0
    return edition_index, bad


@attrs.frozen(eq=False)
class _Columns:
    """The result columns :func:`rate_many` fills edition by edition."""

    stars: npt.NDArray[np.int8]
    candidate: Bools
    certified: Bools
    certifier: npt.NDArray[np.int8]
    provisional: Bools
    valid_from: Days
    valid_until: Days

    @classmethod
    def empty(cls, n: int) -> "_Columns":
        nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        return cls(
            stars=np.zeros(n, dtype=np.int8),
            candidate=np.zeros(n, dtype=np.bool_),
            certified=np.zeros(n, dtype=np.bool_),
            certifier=np.full(n, -1, dtype=np.int8),
            provisional=np.zeros(n, dtype=np.bool_),
            valid_from=nat,
            valid_until=nat.copy(),
        )


def _rate_edition(  # noqa: PLR0917 - private helper of rate_many
    out: _Columns,
    mask: Bools,
    table: OcopTable,
    totals: npt.NDArray[Any],
    edition: RuleSet,
    denominator: int,
) -> None:
    """Fill ``out`` for the products rated under ``edition`` (``mask``)."""
    scheme = scheme_of(edition)
    bands = _bands(edition, denominator)
    reached = np.searchsorted(bands.edges, totals[mask], side="right")
    needs = bands.central[reached] & ~table.central[mask]
    held = np.where(needs, bands.fallback[reached], reached)
    out.stars[mask] = bands.stars[held]
    out.candidate[mask] = held != reached
    certified = bands.certified[held]
    out.certified[mask] = certified
    out.certifier[mask] = bands.certifier[held]
    parts_unreliable = any(not p.provenance.reliable for p in scheme.parts)
    validity_unreliable = not (
        scheme.validity_provenance is not None and scheme.validity_provenance.reliable
    )
    out.provisional[mask] = (
        parts_unreliable | bands.unreliable[held] | (certified & validity_unreliable)
    )
    decided = table.decision_date[mask]
    start = np.where(np.isnat(decided), table.evaluated_on[mask], decided)
    start[~certified] = np.datetime64("NaT")
    out.valid_from[mask] = start
    if scheme.validity_months is not None:
        out.valid_until[mask] = add_months_array(start, scheme.validity_months)
