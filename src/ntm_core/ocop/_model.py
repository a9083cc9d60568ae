"""OCOP products, their rating by the edition in force, and certificates (scalar path).

The public names are re-exported, and documented, by :mod:`ntm_core.ocop`.
Every legal number (part maxima, star bands, certifying levels, validity)
comes from the ``vn.ocop.rating`` editions of the rulebook; nothing here
types one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import enum
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs

from ntm_core._core.numbers import decimal_text, json_number
from ntm_core._core.text import parse_member
from ntm_core._core.vocabulary import Citation, Provenance
from ntm_core.exceptions import InputError, RuleNotInForceError
from ntm_core.rules import OcopScheme, OcopStarBand, Rulebook, RuleSet

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "RULESET_KEY",
    "CertifyingLevel",
    "OcopExplanation",
    "OcopPartScore",
    "OcopProduct",
    "OcopRating",
    "ProducerKind",
    "add_months",
    "expires_within",
    "is_valid",
    "rate",
    "reevaluation_due",
]

RULESET_KEY = "vn.ocop.rating"
"""The rulebook key of the OCOP rating editions (1048/2019, 148/2023, 148+1489/2025)."""

REQUIRED_COLUMNS = (
    "code",
    "name",
    "commune_code",
    "group",
    "score_a",
    "score_b",
    "score_c",
    "evaluated_on",
)
"""The columns every product file must have."""

COLUMNS = (
    "code",
    "name",
    "producer",
    "producer_kind",
    "commune_code",
    "group",
    "subgroup",
    "score_a",
    "score_b",
    "score_c",
    "evaluated_on",
    "certified_level",
    "decision",
    "decision_date",
    "central_recognition",
)
"""Every column of a product file, in the order :func:`write_products` writes them."""

_PART_COLUMNS = {"A": "score_a", "B": "score_b", "C": "score_c"}

# ---------------------------------------------------------------- vocabularies


class ProducerKind(enum.Enum):
    """The kind of OCOP producer (*chủ thể OCOP*).

    >>> ProducerKind.from_text("Hợp tác xã")
    <ProducerKind.COOPERATIVE: 'cooperative'>
    >>> ProducerKind.from_text("hộ kinh doanh").label("vi")
    'hộ kinh doanh'

    .. versionadded:: 0.1.0
    """

    COOPERATIVE = "cooperative"
    ENTERPRISE = "enterprise"
    HOUSEHOLD_BUSINESS = "household_business"
    OTHER = "other"

    def label(self, lang: str = "en") -> str:
        """The kind's name in English (``"en"``) or Vietnamese (``"vi"``)."""
        return _PRODUCER_LABELS[self][0 if lang == "en" else 1]

    @classmethod
    def from_text(cls, text: str) -> ProducerKind:
        """Parse an English or Vietnamese name (``"cooperative"``, ``"HTX"``, ``"doanh nghiệp"``).

        Raises:
            ValueError: If the text names no kind.
        """
        aliases = {
            "hop_tac_xa": cls.COOPERATIVE,
            "htx": cls.COOPERATIVE,
            "doanh_nghiep": cls.ENTERPRISE,
            "dn": cls.ENTERPRISE,
            "cong_ty": cls.ENTERPRISE,
            "company": cls.ENTERPRISE,
            "ho_kinh_doanh": cls.HOUSEHOLD_BUSINESS,
            "hkd": cls.HOUSEHOLD_BUSINESS,
            "ho_san_xuat": cls.HOUSEHOLD_BUSINESS,
            "household": cls.HOUSEHOLD_BUSINESS,
            "khac": cls.OTHER,
            "to_hop_tac": cls.OTHER,
        }
        return parse_member(cls, text, aliases, "producer kind")


_PRODUCER_LABELS = {
    ProducerKind.COOPERATIVE: ("cooperative", "hợp tác xã"),
    ProducerKind.ENTERPRISE: ("enterprise", "doanh nghiệp"),
    ProducerKind.HOUSEHOLD_BUSINESS: ("household business", "hộ kinh doanh"),
    ProducerKind.OTHER: ("other", "khác"),
}


class CertifyingLevel(enum.Enum):
    """The level of government that certifies an OCOP star rating.

    Which level certifies which stars is rule data (the ``certifier`` of each
    star band) and changes by edition.

    >>> CertifyingLevel.from_text("cấp tỉnh")
    <CertifyingLevel.PROVINCE: 'province'>
    >>> CertifyingLevel.CENTRAL.label("vi")
    'trung ương'

    .. versionadded:: 0.1.0
    """

    DISTRICT = "district"
    PROVINCE = "province"
    CENTRAL = "central"

    def label(self, lang: str = "en") -> str:
        """The level's name in English (``"en"``) or Vietnamese (``"vi"``)."""
        return _CERTIFIER_LABELS[self][0 if lang == "en" else 1]

    @classmethod
    def from_text(cls, text: str) -> CertifyingLevel:
        """Parse an English or Vietnamese level (``"province"``, ``"tỉnh"``, ``"trung ương"``).

        Raises:
            ValueError: If the text names no level.
        """
        aliases = {
            "huyen": cls.DISTRICT,
            "tinh": cls.PROVINCE,
            "trung_uong": cls.CENTRAL,
            "tw": cls.CENTRAL,
            "national": cls.CENTRAL,
        }
        return parse_member(cls, text, aliases, "certifying level", prefixes=("cap_",))


_CERTIFIER_LABELS = {
    CertifyingLevel.DISTRICT: ("district", "huyện"),
    CertifyingLevel.PROVINCE: ("province", "tỉnh"),
    CertifyingLevel.CENTRAL: ("central", "trung ương"),
}

# ---------------------------------------------------------------- numbers and dates


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


def _exact(value: object) -> Fraction:
    """An exact score: int, Decimal or Fraction (never float, never bool)."""
    if isinstance(value, bool):
        msg = f"expected a number, got {value!r}"
        raise TypeError(msg)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal):
        if isinstance(value, Decimal) and not value.is_finite():
            msg = f"expected a finite number, got {value!r}"
            raise ValueError(msg)
        return Fraction(value)
    msg = f"expected an exact number (int, Decimal or Fraction), got {value!r}"
    raise TypeError(msg)


# ---------------------------------------------------------------- parsing helpers


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value).strip())


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    text = _nfc(value)
    return text or None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_score(value: object) -> Fraction:
    """Parse a part score: ``29.9``, ``"29,9"`` (decimal comma), ``"299/10"``, exactly.

    Raises:
        ValueError: If the value is not a finite number.
    """
    if isinstance(value, bool):
        msg = "expected a number"
        raise ValueError(msg)
    if isinstance(value, Fraction | int | Decimal):
        return _exact(value)
    if isinstance(value, float):
        # JSON read without Decimal, or a spreadsheet: the shortest repr is what was typed.
        return Fraction(Decimal(repr(value)))
    text = str(value).strip().replace(" ", "")
    if "/" in text:
        top, _, bottom = text.partition("/")
        if top.lstrip("+-").isdigit() and bottom.isdigit() and int(bottom) != 0:
            return Fraction(int(top), int(bottom))
        msg = "expected a number"
        raise ValueError(msg)
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma: scores never need thousands separators
    try:
        number = Decimal(text)
    except InvalidOperation:
        msg = "expected a number"
        raise ValueError(msg) from None
    if not number.is_finite():
        msg = "expected a finite number"
        raise ValueError(msg)
    return Fraction(number)


def parse_date(value: object) -> dt.date:
    """Parse a date: ``2022-03-31`` (ISO) or ``31/03/2022`` (day first, as written in Vietnam).

    Raises:
        ValueError: If the value is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if "/" in text:
            day, month, year = (int(p) for p in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = "expected a date as YYYY-MM-DD (or DD/MM/YYYY)"
        raise ValueError(msg) from None


_YES = frozenset({"yes", "y", "true", "1", "x", "có", "co", "đạt", "dat"})
_NO = frozenset({"no", "n", "false", "0", "không", "khong", "chưa", "chua", "không đạt"})


def parse_yes_no(value: object) -> bool:
    """Parse yes/no: ``yes``/``no``, ``true``/``false``, ``1``/``0``, ``có``/``không``, ``x``.

    Raises:
        ValueError: If the value is neither.
    """
    if isinstance(value, bool):
        return value
    text = _nfc(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    msg = "expected yes or no (yes/no, true/false, 1/0, có/không)"
    raise ValueError(msg)


# ---------------------------------------------------------------- products


def _code(value: object) -> str:
    return _nfc(value)


def _optional_producer_kind(value: object) -> ProducerKind | None:
    if value is None or isinstance(value, ProducerKind):
        return value
    msg = f"expected a ProducerKind, got {value!r}"
    raise TypeError(msg)


def _optional_certifier(value: object) -> CertifyingLevel | None:
    if value is None or isinstance(value, CertifyingLevel):
        return value
    msg = f"expected a CertifyingLevel, got {value!r}"
    raise TypeError(msg)


def _check_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        msg = f"expected a datetime.date, got {value!r}"
        raise TypeError(msg)
    return value


def _optional_date(value: object) -> dt.date | None:
    return None if value is None else _check_date(value)


def _optional_bool(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    msg = f"expected True, False or None, got {value!r}"
    raise TypeError(msg)


@attrs.frozen(kw_only=True)
class OcopProduct:
    """One OCOP product as evaluated by a council: who made it, where, its part scores.

    Build one from a row of text with :meth:`from_mapping`; the constructor
    takes typed values (scores as :class:`~fractions.Fraction`, ``int`` or
    :class:`~decimal.Decimal`, never ``float``).

    Attributes:
        code: The product's identifier in its file (unique within a portfolio).
        name: The product name, NFC-normalised.
        producer: The producer (*chủ thể*), if known.
        producer_kind: Cooperative, enterprise, household business or other.
        commune_code: The GSO code of the commune where it is produced.
        group: The product group code of the edition in force on ``evaluated_on``
            (``"1"`` … ``"6"``; the names differ between 1048 and 148).
        subgroup: The subgroup (*phân nhóm*), free text.
        score_a: Part A score (product and community strength).
        score_b: Part B score (marketing capability).
        score_c: Part C score (product quality).
        evaluated_on: The day the council scored it; picks the rating edition.
        certified_level: The level that certified it, as recorded.
        decision: The number of the certification decision, as recorded.
        decision_date: The date of that decision; a certificate runs from it.
        central_recognition: Whether the central council recognised it as
            5-star (``None`` when not stated).

    >>> import datetime as dt
    >>> from fractions import Fraction
    >>> p = OcopProduct.from_mapping({
    ...     "code": "SYN-1", "name": "Mật ong Sơn Kim", "commune_code": "18196",
    ...     "group": "1", "score_a": "30", "score_b": "20,5", "score_c": "30",
    ...     "evaluated_on": "2021-06-15", "producer_kind": "HTX",
    ... })
    >>> p.score_b, p.producer_kind
    (Fraction(41, 2), <ProducerKind.COOPERATIVE: 'cooperative'>)

    .. versionadded:: 0.1.0
    """

    code: str = attrs.field(converter=_code)
    name: str = attrs.field(converter=_nfc)
    commune_code: str = attrs.field(converter=_code)
    group: str = attrs.field(converter=_code)
    score_a: Fraction = attrs.field(converter=_exact)
    score_b: Fraction = attrs.field(converter=_exact)
    score_c: Fraction = attrs.field(converter=_exact)
    evaluated_on: dt.date = attrs.field(converter=_check_date)
    subgroup: str | None = attrs.field(default=None, converter=_optional_text)
    producer: str | None = attrs.field(default=None, converter=_optional_text)
    producer_kind: ProducerKind | None = attrs.field(
        default=None, converter=_optional_producer_kind
    )
    certified_level: CertifyingLevel | None = attrs.field(
        default=None, converter=_optional_certifier
    )
    decision: str | None = attrs.field(default=None, converter=_optional_text)
    decision_date: dt.date | None = attrs.field(default=None, converter=_optional_date)
    central_recognition: bool | None = attrs.field(default=None, converter=_optional_bool)

    @code.validator
    def _check_code(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            raise InputError("a product needs a code", column="code", value=value)

    @name.validator
    def _check_name(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            raise InputError(f"product {self.code!r} needs a name", column="name", value=value)

    @commune_code.validator
    def _check_commune(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            raise InputError(
                f"product {self.code!r} needs a commune code", column="commune_code", value=value
            )

    @group.validator
    def _check_group(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            raise InputError(
                f"product {self.code!r} needs a product group", column="group", value=value
            )

    @decision_date.validator
    def _check_decision_date(
        self, _attribute: attrs.Attribute[dt.date | None], value: dt.date | None
    ) -> None:
        if value is not None and value < self.evaluated_on:
            raise InputError(
                f"product {self.code!r}: the decision date {value.isoformat()} is before the "
                f"evaluation date {self.evaluated_on.isoformat()}",
                column="decision_date",
                value=value.isoformat(),
            )

    def score(self, part: str) -> Fraction:
        """The score of part ``"A"``, ``"B"`` or ``"C"``.

        Raises:
            KeyError: For any other part code.
        """
        return getattr(self, _PART_COLUMNS[part])  # type: ignore[no-any-return]

    @property
    def total(self) -> Fraction:
        """The sum of the three part scores."""
        return self.score_a + self.score_b + self.score_c

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> OcopProduct:
        """Parse a product from a mapping of column name to value (text or typed).

        Columns are those of :data:`COLUMNS`; the first eight
        (:data:`REQUIRED_COLUMNS`) are required. Empty cells of optional
        columns are ``None``. Scores accept a decimal point or comma and
        ``p/q``; dates ISO or day-first ``DD/MM/YYYY``; ``central_recognition``
        yes/no (``có``/``không`` too).

        Raises:
            InputError: The first problem, naming the column and the value
                (:func:`read_products` reports every problem of a file).
        """
        product, problems = parse_row(row)
        if problems:
            raise problems[0]
        if product is None:  # pragma: no cover - parse_row returns one when there is no problem
            msg = "no product and no problem"
            raise AssertionError(msg)
        return product

    def to_row(self) -> dict[str, str]:
        """The product as text cells of :data:`COLUMNS` (empty for ``None``), exactly."""
        return {
            "code": self.code,
            "name": self.name,
            "producer": self.producer or "",
            "producer_kind": self.producer_kind.value if self.producer_kind else "",
            "commune_code": self.commune_code,
            "group": self.group,
            "subgroup": self.subgroup or "",
            "score_a": decimal_text(self.score_a),
            "score_b": decimal_text(self.score_b),
            "score_c": decimal_text(self.score_c),
            "evaluated_on": self.evaluated_on.isoformat(),
            "certified_level": self.certified_level.value if self.certified_level else "",
            "decision": self.decision or "",
            "decision_date": self.decision_date.isoformat() if self.decision_date else "",
            "central_recognition": (
                "" if self.central_recognition is None else
                ("yes" if self.central_recognition else "no")
            ),
        }  # fmt: skip


def _producer_kind(value: object) -> ProducerKind:
    return ProducerKind.from_text(str(value))


def _certifying_level(value: object) -> CertifyingLevel:
    return CertifyingLevel.from_text(str(value))


_PARSERS: dict[str, Callable[[object], object]] = {
    "score_a": parse_score,
    "score_b": parse_score,
    "score_c": parse_score,
    "evaluated_on": parse_date,
    "decision_date": parse_date,
    "producer_kind": _producer_kind,
    "certified_level": _certifying_level,
    "central_recognition": parse_yes_no,
}


def parse_row(row: Mapping[str, object]) -> tuple[OcopProduct | None, list[InputError]]:
    """Parse one row; return the product (or ``None``) and every problem found."""
    problems: list[InputError] = []
    code = row.get("code")
    label = f"product {_nfc(code)!r}" if not _blank(code) else "a product"
    for key in row:
        if key not in COLUMNS:
            close = difflib.get_close_matches(str(key), COLUMNS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                InputError(f"unknown column {key!r}{hint}", column=str(key), value=row[key])
            )
    problems.extend(
        InputError(f"{label}: {column} is required", column=column, value=row.get(column))
        for column in REQUIRED_COLUMNS
        if _blank(row.get(column))
    )
    fields: dict[str, object] = {}
    for column in COLUMNS:
        value = row.get(column)
        if _blank(value):
            continue
        parser = _PARSERS.get(column)
        if parser is None:
            fields[column] = value
            continue
        try:
            fields[column] = parser(value)
        except ValueError as err:
            problems.append(InputError(f"{label}: {column}: {err}", column=column, value=value))
    if problems:
        return None, problems
    try:
        product = OcopProduct(**fields)
    except InputError as err:
        return None, [err]
    return product, []


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
        column = _PART_COLUMNS[part.code]
        score = product.score(part.code)
        if score < 0:
            raise InputError(
                f"product {product.code!r}: part {part.code} score {decimal_text(score)} "
                "is negative",
                column=column,
                value=decimal_text(score),
            )
        if score > part.max:
            raise InputError(
                f"product {product.code!r}: part {part.code} score {decimal_text(score)} is "
                f"above its maximum {part.max} under {edition.id} ({part.citation})",
                column=column,
                value=decimal_text(score),
            )
    if product.group not in scheme.groups:
        known = ", ".join(f"{k} ({v[0]})" for k, v in scheme.groups.items())
        raise InputError(
            f"product {product.code!r}: group {product.group!r} is not a product group of "
            f"{edition.id}; expected one of {known}",
            column="group",
            value=product.group,
        )


def rate(product: OcopProduct, *, rulebook: Rulebook | None = None) -> OcopRating:
    """Rate one product under the edition in force on its evaluation date.

    The total is the exact sum of the three parts; the stars are those of the
    highest band whose minimum the total reaches, except that a band certified
    centrally (5 stars) needs ``central_recognition``: without it the product
    holds the highest band below (4 stars) and is a 5-star candidate.

    Args:
        product: The product.
        rulebook: The rules; the bundled rulebook when ``None``.

    Raises:
        InputError: Naming the product: a negative part score, a part score
            above its maximum, a group the edition does not have, or an
            evaluation date no edition covers.

    .. versionadded:: 0.1.0
    """
    book = rulebook if rulebook is not None else Rulebook.bundled()
    edition = edition_for(product, book)
    check_product(product, edition)
    scheme = scheme_of(edition)
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
