"""Rating an OCOP product under the edition in force, and its certificate (scalar path).

Every legal number (part maxima, star bands, certifying levels, validity)
comes from the ``vn.ocop.rating`` editions of the rulebook; nothing here
types one. The public names are re-exported, and documented, by
:mod:`ntm_core.ocop`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction
from typing import Any

import attrs

from ntm_core._core.display import Lang, check_lang
from ntm_core._core.numbers import decimal_text, json_number
from ntm_core._core.text import fold
from ntm_core._core.vocabulary import Citation, Provenance
from ntm_core.exceptions import InputError, RuleNotInForceError
from ntm_core.ocop import _present
from ntm_core.ocop._product import (
    PART_COLUMNS,
    CertifyingLevel,
    OcopProduct,
)
from ntm_core.rules import OcopScheme, OcopStarBand, Rulebook, RuleSet

__all__ = [
    "RULESET_KEY",
    "OcopExplanation",
    "OcopPartScore",
    "OcopRating",
    "add_months",
    "check_product",
    "edition_for",
    "expires_within",
    "group_code",
    "held_band",
    "is_valid",
    "rate",
    "reevaluation_due",
    "scheme_of",
    "with_group_code",
]

RULESET_KEY = "vn.ocop.rating"
"""The rulebook key of the OCOP rating editions (1048/2019, 148/2023, 148+1489/2025)."""

# ---------------------------------------------------------------- certificates


def add_months(start: dt.date, months: int) -> dt.date:
    """The date ``months`` calendar months after ``start``.

    The day of the month is kept; when the target month is shorter, the
    result is that month's last day (the end-of-month rule).

    >>> import datetime as dt
    >>> add_months(dt.date(2022, 3, 31), 36)
    datetime.date(2025, 3, 31)
    >>> add_months(dt.date(2020, 2, 29), 36)
    datetime.date(2023, 2, 28)
    >>> add_months(dt.date(2022, 1, 31), 1)
    datetime.date(2022, 2, 28)

    .. versionadded:: 0.1.0
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


# ---------------------------------------------------------------- ratings


@attrs.frozen(kw_only=True)
class OcopPartScore:
    """One part of a rating: the score given, the maximum of the edition, where it is written.

    .. versionadded:: 0.1.0
    """

    code: str
    name_vi: str
    name_en: str
    score: Fraction
    max: int
    citation: Citation
    provenance: Provenance


def _parts(value: tuple[OcopPartScore, ...] | list[OcopPartScore]) -> tuple[OcopPartScore, ...]:
    return tuple(value)


def _notes(value: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class OcopExplanation:
    """Why a product got its stars: parts against maxima, the band, validity, citations.

    Attributes:
        instrument: The instrument of the edition used.
        parts: Each part's score and maximum.
        band: The star band the rating holds, or ``None`` below the lowest band.
        score_band: The band the total reaches; differs from ``band`` for a
            5-star candidate without central recognition.
        validity_months: How long a certificate lasts under the edition.
        validity_citation: Where that is written.
        validity_provenance: How sure we are of it.
        notes: Anything a reader must know (recorded certifier disagrees, …).

    .. versionadded:: 0.1.0
    """

    instrument: Citation
    parts: tuple[OcopPartScore, ...] = attrs.field(converter=_parts)
    band: OcopStarBand | None
    score_band: OcopStarBand | None
    validity_months: int | None
    validity_citation: Citation | None
    validity_provenance: Provenance | None
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)


@attrs.frozen(kw_only=True)
class OcopRating:
    """The rating of one product under the edition in force on its evaluation date.

    Attributes:
        product: The product rated.
        edition: The rule-set edition used (``vn.ocop.rating@2019``).
        total: The exact total score.
        stars: The stars the product holds, or ``None`` if the total is below
            every band. A total in a band certified centrally (5 stars) without
            central recognition holds the highest band certified below it
            (4 stars) and is a :attr:`five_star_candidate`.
        five_star_candidate: The total reaches the centrally certified band but
            the central council's recognition is not recorded.
        certified: Whether the band held is an OCOP certification (3 stars and
            up in the bundled editions).
        certifier: Who certifies the band held under the edition, or ``None``.
        valid_from: First day of the certificate: the decision date, or the
            evaluation date when no decision date is recorded; ``None`` when
            not certified.
        valid_until: First day the certificate is no longer valid:
            :func:`add_months` of ``valid_from`` and the edition's validity
            months. Validity is the half-open interval
            ``[valid_from, valid_until)``. ``None`` when not certified or
            when the edition gives no validity.
        provisional: Something the rating used (a part maximum, the band, or
            the validity of a certificate) is not verified or secondary.
        explanation: Parts, band, validity, citations and provenance.

    >>> import datetime as dt
    >>> p = OcopProduct(code="SYN-1", name="Kẹo cu đơ", commune_code="18241", group="1",
    ...                 score_a=33, score_b=22, score_c=37, evaluated_on=dt.date(2021, 6, 15))
    >>> r = rate(p)
    >>> r.edition, r.total, r.stars, r.five_star_candidate, r.valid_until
    ('vn.ocop.rating@2020', Fraction(92, 1), 4, True, datetime.date(2024, 6, 15))

    The explanation names every rule used, with its citation and provenance:

    >>> p = OcopProduct(code="SYN-2", name="Nước mắm", commune_code="18241", group="1",
    ...                 score_a=30, score_b=15, score_c=25, evaluated_on=dt.date(2024, 3, 1))
    >>> print(rate(p).explain())  # doctest: +ELLIPSIS
    SYN-2 Nước mắm: 70/100 under vn.ocop.rating@2023 (148/QĐ-TTg of 2023-02-24)
      A Product and community strength: 30/40 (verified; 148/QĐ-TTg of 2023-02-24, item Phụ lục)
      ...
      → 4 stars (band ≥ 70; unverified; 148/QĐ-TTg of 2023-02-24, ...), certified by province
      certificate 2024-03-01 – 2027-03-01 (36 months; secondary; ...)
      provisional: relies on rule data that is not verified

    .. versionadded:: 0.1.0
    """

    product: OcopProduct
    edition: str
    total: Fraction
    stars: int | None
    five_star_candidate: bool
    certified: bool
    certifier: CertifyingLevel | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    provisional: bool
    explanation: OcopExplanation

    @property
    def code(self) -> str:
        """The product code."""
        return self.product.code

    def to_dict(self) -> dict[str, object]:
        """The rating as JSON-ready data (scores as numbers, dates as ISO text)."""
        exp = self.explanation
        band = exp.band
        return {
            "code": self.code,
            "name": self.product.name,
            "commune_code": self.product.commune_code,
            "group": self.product.group,
            "edition": self.edition,
            "total": json_number(self.total),
            "stars": self.stars,
            "five_star_candidate": self.five_star_candidate,
            "certified": self.certified,
            "certifier": self.certifier.value if self.certifier else None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "provisional": self.provisional,
            "parts": [
                {
                    "code": p.code,
                    "score": json_number(p.score),
                    "max": p.max,
                    "citation": p.citation.to_dict(),
                    "provenance": p.provenance.value,
                }
                for p in exp.parts
            ],
            "band": None if band is None else {
                "stars": band.stars,
                "min_score": json_number(band.min_score),
                "citation": band.citation.to_dict(),
                "provenance": band.provenance.value,
            },
            "validity_months": exp.validity_months,
            "notes": list(exp.notes),
        }  # fmt: skip

    def __repr__(self) -> str:
        return _present.rating_repr(self)

    def _repr_html_(self) -> str:
        return _present.rating_html(self)

    def to_text(self, *, lang: Lang = "en") -> str:
        """The explanation (:meth:`explain`) in English (``"en"``) or Vietnamese (``"vi"``).

        .. versionadded:: 0.1.0
        """
        return self.explain(check_lang(lang))

    def to_frame(self) -> Any:  # noqa: ANN401 - a DataFrame, pandas optional
        """The rating as a one-row pandas DataFrame (the fields of :meth:`to_dict` but the parts).

        Raises:
            MissingDependencyError: pandas is not installed.

        .. versionadded:: 0.1.0
        """
        record = {k: v for k, v in self.to_dict().items() if k not in {"parts", "band", "notes"}}
        record["total"] = self.total
        return _present.frame([record], feature="OcopRating.to_frame()")

    def explain(self, lang: str = "en") -> str:
        """The explanation as text in English (``"en"``) or Vietnamese (``"vi"``).

        See the example of :class:`OcopRating`.
        """
        vi = lang == "vi"
        exp = self.explanation
        maximum = sum(p.max for p in exp.parts)
        head = "theo" if vi else "under"
        lines = [
            (
                f"{self.code} {self.product.name}: {decimal_text(self.total)}/{maximum} "
                f"{head} {self.edition} ({exp.instrument})"
            )
        ]
        for part in exp.parts:
            name = part.name_vi if vi else part.name_en
            lines.append(
                f"  {part.code} {name}: {decimal_text(part.score)}/{part.max} "
                f"({part.provenance.value}; {part.citation})"
            )
        lines.append("  " + _band_text(self, vi=vi))
        if self.five_star_candidate and exp.score_band is not None:
            if vi:
                lines.append(
                    f"  sản phẩm tiềm năng {exp.score_band.stars} sao: tổng điểm đạt hạng "
                    f"≥ {decimal_text(exp.score_band.min_score)}, cần Hội đồng cấp trung ương "
                    "công nhận"
                )
            else:
                lines.append(
                    f"  {exp.score_band.stars}-star candidate: the total reaches the band "
                    f"≥ {decimal_text(exp.score_band.min_score)}, which needs central recognition"
                )
        if self.valid_from is not None:
            word = "giấy chứng nhận" if vi else "certificate"
            end = self.valid_until.isoformat() if self.valid_until else "?"
            months = exp.validity_months
            unit = "tháng" if vi else "months"
            prov = exp.validity_provenance.value if exp.validity_provenance else "?"
            lines.append(
                f"  {word} {self.valid_from.isoformat()} – {end} "
                f"({months} {unit}; {prov}; {exp.validity_citation})"
            )
        lines.extend(f"  note: {note}" for note in exp.notes)
        if self.provisional:
            lines.append(
                "  tạm tính: dựa vào dữ liệu quy tắc chưa được kiểm chứng"
                if vi
                else "  provisional: relies on rule data that is not verified"
            )
        return "\n".join(lines)


def _band_text(rating: OcopRating, *, vi: bool) -> str:
    band = rating.explanation.band
    if band is None or rating.stars is None:
        return "→ dưới mọi hạng sao" if vi else "→ below every star band"
    stars = f"{rating.stars} sao" if vi else f"{rating.stars} stars"
    text = (
        f"→ {stars} (band ≥ {decimal_text(band.min_score)}; {band.provenance.value}; "
        f"{band.citation})"
    )
    if rating.certifier is not None:
        who = rating.certifier.label("vi" if vi else "en")
        text += f", chứng nhận cấp {who}" if vi else f", certified by {who}"
    elif not rating.certified:
        text += ", không phải chứng nhận OCOP" if vi else ", not an OCOP certification"
    return text


def edition_for(product: OcopProduct, book: Rulebook) -> RuleSet:
    """The rating edition in force on the product's evaluation date.

    Raises:
        InputError: If no edition is in force then (naming the product).
    """
    try:
        return book.in_force(RULESET_KEY, on=product.evaluated_on)
    except RuleNotInForceError as err:
        raise InputError(
            f"product {product.code!r}: no OCOP rating edition is in force on "
            f"{product.evaluated_on.isoformat()} ({err})",
            source=product.source,
            row=product.row,
            column="evaluated_on",
            value=product.evaluated_on.isoformat(),
        ) from err


def scheme_of(edition: RuleSet) -> OcopScheme:
    """The OCOP score sheet of ``edition`` (an error if it is not a rating edition)."""
    if edition.ocop is None:  # pragma: no cover - the loader requires it for rating editions
        msg = f"{edition.id} has no OCOP score sheet"
        raise ValueError(msg)
    return edition.ocop


def held_band(
    bands: tuple[OcopStarBand, ...], total: Fraction, *, central_recognition: bool | None
) -> tuple[OcopStarBand | None, OcopStarBand | None]:
    """The band held and the band the total reaches (``bands`` highest first).

    A band certified centrally is held only with central recognition;
    otherwise the product holds the highest band below it that is not
    certified centrally.
    """
    reached = next((b for b in bands if total >= b.min_score), None)
    if reached is None or reached.certifier != CertifyingLevel.CENTRAL.value:
        return reached, reached
    if central_recognition is True:
        return reached, reached
    fallback = next(
        (
            b for b in bands
            if b.min_score < reached.min_score and b.certifier != CertifyingLevel.CENTRAL.value
        ),
        None,
    )  # fmt: skip
    return fallback, reached


def check_product(product: OcopProduct, edition: RuleSet) -> None:
    """Raise the first reason ``product`` cannot be rated under ``edition``.

    Raises:
        InputError: A negative part score, a part score above its maximum, or a
            group the edition does not have; the message names the product.
    """
    scheme = scheme_of(edition)
    for part in scheme.parts:
        column = PART_COLUMNS[part.code]
        score = product.score(part.code)
        if score < 0:
            raise InputError(
                f"product {product.code!r}: part {part.code} score {decimal_text(score)} "
                "is negative",
                source=product.source,
                row=product.row,
                column=column,
                value=decimal_text(score),
            )
        if score > part.max:
            raise InputError(
                f"product {product.code!r}: part {part.code} score {decimal_text(score)} is "
                f"above its maximum {part.max} under {edition.id} ({part.citation})",
                source=product.source,
                row=product.row,
                column=column,
                value=decimal_text(score),
            )
    if product.group not in scheme.groups:
        known = ", ".join(f"{k} ({v[0]} / {v[1]})" for k, v in scheme.groups.items())
        raise InputError(
            f"product {product.code!r}: group {product.group!r} is not a product group of "
            f"{edition.id}; expected a code or name of {known}",
            source=product.source,
            row=product.row,
            column="group",
            value=product.group,
        )


def group_code(scheme: OcopScheme, text: str) -> str | None:
    """The product group ``text`` names under ``scheme``, as its code; ``None`` for none.

    ``text`` is the code (``"1"``) or the Vietnamese or English name, in any
    case and with or without diacritics (``"Thực phẩm"``, ``"thuc pham"``,
    ``"Food"``). Group names differ between editions, so the edition in force
    on the evaluation date decides.
    """
    if text in scheme.groups:
        return text
    folded = fold(text)
    for code, (name_vi, name_en) in scheme.groups.items():
        if folded in {fold(code), fold(name_vi), fold(name_en)}:
            return code
    return None


def with_group_code(product: OcopProduct, scheme: OcopScheme) -> OcopProduct:
    """``product`` with its group given as the code of ``scheme`` (unchanged when unknown)."""
    code = group_code(scheme, product.group)
    if code is None or code == product.group:
        return product
    return attrs.evolve(product, group=code)


def rate(product: OcopProduct, *, rulebook: Rulebook | None = None) -> OcopRating:
    """Rate one product under the edition in force on its evaluation date.

    The total is the exact sum of the three parts; the stars are those of the
    highest band whose minimum the total reaches, except that a band certified
    centrally (5 stars) needs ``central_recognition``: without it the product
    holds the highest band below (4 stars) and is a 5-star candidate.

    Args:
        product: The product. Its group may be given by name (see
            :func:`group_code`); the rating's product holds the code.
        rulebook: The rules; the bundled rulebook when ``None``.

    Raises:
        InputError: Naming the product: a negative part score, a part score
            above its maximum, a group the edition does not have, or an
            evaluation date no edition covers.

    .. versionadded:: 0.1.0
    """
    book = rulebook if rulebook is not None else Rulebook.bundled()
    edition = edition_for(product, book)
    scheme = scheme_of(edition)
    product = with_group_code(product, scheme)
    check_product(product, edition)
    total = product.total
    band, reached = held_band(scheme.stars, total, central_recognition=product.central_recognition)
    candidate = band is not reached
    certified = band is not None and band.certified
    certifier = (
        CertifyingLevel(band.certifier) if band is not None and band.certifier is not None else None
    )
    valid_from = valid_until = None
    if certified:
        valid_from = product.decision_date or product.evaluated_on
        if scheme.validity_months is not None:
            valid_until = add_months(valid_from, scheme.validity_months)
    notes: list[str] = []
    if (
        product.central_recognition
        and band is not None
        and band.certifier != CertifyingLevel.CENTRAL.value
    ):
        notes.append(
            "central recognition is recorded but the total is below the centrally "
            "certified band; the stars follow the total"
        )
    if (
        product.certified_level is not None
        and certifier is not None
        and product.certified_level is not certifier
    ):
        notes.append(
            f"the recorded certifying level ({product.certified_level.value}) differs from "
            f"the one the edition gives for {band.stars if band else '?'} stars "
            f"({certifier.value})"
        )
    parts = tuple(
        OcopPartScore(
            code=p.code,
            name_vi=p.name_vi,
            name_en=p.name_en,
            score=product.score(p.code),
            max=p.max,
            citation=p.citation,
            provenance=p.provenance,
        )
        for p in scheme.parts
    )
    provisional = any(not p.provenance.reliable for p in scheme.parts)
    if band is not None:
        provisional = provisional or not band.provenance.reliable
    if certified:
        provisional = provisional or not (
            scheme.validity_provenance is not None and scheme.validity_provenance.reliable
        )
    return OcopRating(
        product=product,
        edition=edition.id,
        total=total,
        stars=band.stars if band is not None else None,
        five_star_candidate=candidate,
        certified=certified,
        certifier=certifier,
        valid_from=valid_from,
        valid_until=valid_until,
        provisional=provisional,
        explanation=OcopExplanation(
            instrument=edition.instrument,
            parts=parts,
            band=band,
            score_band=reached,
            validity_months=scheme.validity_months,
            validity_citation=scheme.validity_citation,
            validity_provenance=scheme.validity_provenance,
            notes=notes,
        ),
    )


# ---------------------------------------------------------------- certificates


def is_valid(rating: OcopRating, *, on: dt.date) -> bool:
    """Whether the product holds a valid OCOP certificate on ``on``.

    Valid means certified and ``valid_from <= on < valid_until`` (half-open;
    with no known validity period, from ``valid_from`` on).

    >>> import datetime as dt
    >>> p = OcopProduct(code="SYN-3", name="Cam", commune_code="18241", group="1",
    ...                 score_a=25, score_b=15, score_c=20, evaluated_on=dt.date(2022, 3, 31))
    >>> r = rate(p)
    >>> [is_valid(r, on=dt.date(2025, 3, d)) for d in (30, 31)]
    [True, False]

    .. versionadded:: 0.1.0
    """
    if not rating.certified or rating.valid_from is None or on < rating.valid_from:
        return False
    return rating.valid_until is None or on < rating.valid_until


def expires_within(rating: OcopRating, *, on: dt.date, months: int) -> bool:
    """Whether a certificate valid on ``on`` is no longer valid ``months`` months later.

    That is: valid on ``on`` and ``valid_until <= add_months(on, months)``.

    .. versionadded:: 0.1.0
    """
    if not is_valid(rating, on=on) or rating.valid_until is None:
        return False
    return rating.valid_until <= add_months(on, months)


def reevaluation_due(rating: OcopRating, *, on: dt.date, within_months: int = 0) -> bool:
    """Whether a certified product needs a new evaluation to stay certified.

    Due when its certificate has expired on ``on`` (renewal or upgrade needs a
    new assessment), or expires within ``within_months`` months. Products
    never certified are not due.

    .. versionadded:: 0.1.0
    """
    if not rating.certified or rating.valid_until is None:
        return False
    if rating.valid_until <= on:
        return True
    return expires_within(rating, on=on, months=within_months)
