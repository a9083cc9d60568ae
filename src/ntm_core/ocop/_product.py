"""OCOP products: who made them, where, their part scores; parsing a product row.

The public names are re-exported, and documented, by :mod:`ntm_core.ocop`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from ntm_core._core.numbers import NumberError, decimal_text, exact, parse_number
from ntm_core._core.text import parse_member
from ntm_core.exceptions import InputError

__all__ = [
    "COLUMNS",
    "PART_COLUMNS",
    "REQUIRED_COLUMNS",
    "CertifyingLevel",
    "OcopProduct",
    "ProducerKind",
    "parse_date",
    "parse_row",
    "parse_score",
    "parse_yes_no",
]

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

PART_COLUMNS = {"A": "score_a", "B": "score_b", "C": "score_c"}

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

# ---------------------------------------------------------------- numbers


def _exact(value: object) -> Fraction:
    """An exact score: int, Decimal or Fraction (never float, never bool)."""
    if isinstance(value, bool):
        msg = f"expected a number, got {value!r}"
        raise TypeError(msg)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal):
        try:
            number = exact(value)  # bounded: Decimal("1e999999999") would take minutes
        except NumberError as err:
            msg = f"expected a finite number within bounds, got {value!r} ({err.reason})"
            raise ValueError(msg) from None
        if number is not None:
            return number
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
    try:
        if isinstance(value, float):
            # JSON read without Decimal, or a spreadsheet: the shortest repr is what was typed.
            number = exact(value)
        else:
            text = str(value)
            # A decimal comma: scores never need thousands separators.
            comma = text.count(",") == 1 and "." not in text
            number = parse_number(text, decimal_comma=comma, grouping=False)
    except NumberError as err:
        msg = f"expected a number ({err.reason})"
        raise ValueError(msg) from None
    if number is None:
        msg = "expected a number"
        raise ValueError(msg)
    return number


def parse_date(value: object) -> dt.date:
    """Parse a date: ``2022-03-31`` (ISO) or ``31/03/2022`` (day first, as written in Vietnam).

    The year has four digits: ``15/06/24`` is refused, not read as the year 24.

    Raises:
        ValueError: If the value is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    msg = "expected a date as YYYY-MM-DD (or DD/MM/YYYY)"
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year.strip()) != 4:
                msg = f"{msg}; a year of {len(year.strip())} digits is ambiguous"
                raise ValueError(msg)
            return dt.date(int(year), int(month), int(day))
        return dt.date.fromisoformat(text)
    except ValueError:
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
        code: The product's identifier, kept as written. Within a product
            file codes are unique without regard to case: ``p1`` below ``P1``
            is a duplicate (a spreadsheet typo, not a second product).
        name: The product name, NFC-normalised.
        producer: The producer (*chủ thể*), if known.
        producer_kind: Cooperative, enterprise, household business or other.
        commune_code: The GSO code of the commune where it is produced.
        group: The product group of the edition in force on ``evaluated_on``:
            its code (``"1"`` … ``"6"``) or its Vietnamese or English name, in
            any case, with or without diacritics (``"Thực phẩm"``, ``"food"``);
            rating replaces a name by the code (the names differ between 1048
            and 148).
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
        source: The file the product was read from, if any (not compared).
        row: The row of that file, as a spreadsheet numbers it (not compared);
            errors found when rating the product name the file and row.

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
    source: str | None = attrs.field(default=None, eq=False, repr=False)
    row: int | None = attrs.field(default=None, eq=False, repr=False)

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
        return getattr(self, PART_COLUMNS[part])  # type: ignore[no-any-return]

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


def parse_row(
    row: Mapping[str, object], *, source: str | None = None, line: int | None = None
) -> tuple[OcopProduct | None, list[InputError]]:
    """Parse one row (of ``source`` at ``line``): the product (or ``None``), every problem."""
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
        product = OcopProduct(**fields, source=source, row=line)
    except InputError as err:
        return None, [err]
    return product, []
