"""Closed vocabularies of the NTM domain: outcomes, tiers, regions, provenance, citations.

These are the words every other module speaks. Enums never compare equal to
the strings or numbers they are spelled with; parse text with the
``from_text`` class methods.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

import attrs
import numpy as np

from ntm_core._core.text import nfc, optional_nfc, parse_member
from ntm_core.exceptions import InputError

__all__ = [
    "Citation",
    "CommuneGroup",
    "Outcome",
    "Provenance",
    "Region",
    "RuleLevel",
    "Tier",
]


class Outcome(enum.Enum):
    """The four-valued outcome of a check, criterion or tier.

    ``AND`` (``&``) and ``OR`` (``|``) follow Kleene's strong three-valued
    logic, with ``NOT_APPLICABLE`` as the neutral element: a check that
    does not apply neither helps nor hurts. Missing data gives
    ``UNKNOWN``, never a default.

    >>> Outcome.MET & Outcome.UNKNOWN
    <Outcome.UNKNOWN: 'unknown'>
    >>> Outcome.NOT_MET & Outcome.UNKNOWN
    <Outcome.NOT_MET: 'not_met'>
    >>> Outcome.MET | Outcome.UNKNOWN
    <Outcome.MET: 'met'>
    >>> Outcome.all_of([Outcome.MET, Outcome.NOT_APPLICABLE])
    <Outcome.MET: 'met'>
    >>> ~Outcome.UNKNOWN
    <Outcome.UNKNOWN: 'unknown'>

    .. versionadded:: 0.1.0
    """

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    def __and__(self, other: Outcome) -> Outcome:
        if not isinstance(other, Outcome):
            return NotImplemented
        if self is Outcome.NOT_APPLICABLE:
            return other
        if other is Outcome.NOT_APPLICABLE:
            return self
        if Outcome.NOT_MET in (self, other):
            return Outcome.NOT_MET
        if Outcome.UNKNOWN in (self, other):
            return Outcome.UNKNOWN
        return Outcome.MET

    def __or__(self, other: Outcome) -> Outcome:
        if not isinstance(other, Outcome):
            return NotImplemented
        if self is Outcome.NOT_APPLICABLE:
            return other
        if other is Outcome.NOT_APPLICABLE:
            return self
        if Outcome.MET in (self, other):
            return Outcome.MET
        if Outcome.UNKNOWN in (self, other):
            return Outcome.UNKNOWN
        return Outcome.NOT_MET

    def __invert__(self) -> Outcome:
        return _NEGATION[self]

    def __bool__(self) -> bool:
        # A four-valued outcome has no honest truth value; make misuse loud.
        msg = "an Outcome has no truth value; compare it with Outcome.MET"
        raise TypeError(msg)

    @classmethod
    def all_of(cls, outcomes: Iterable[Outcome]) -> Outcome:
        """Kleene AND of any number of outcomes; empty or all N/A gives N/A."""
        seen = set(outcomes)
        for decisive in (cls.NOT_MET, cls.UNKNOWN, cls.MET):
            if decisive in seen:
                return decisive
        return cls.NOT_APPLICABLE

    @classmethod
    def any_of(cls, outcomes: Iterable[Outcome]) -> Outcome:
        """Kleene OR of any number of outcomes; empty or all N/A gives N/A."""
        seen = set(outcomes)
        for decisive in (cls.MET, cls.UNKNOWN, cls.NOT_MET):
            if decisive in seen:
                return decisive
        return cls.NOT_APPLICABLE

    @classmethod
    def from_bool(cls, value: object) -> Outcome:
        """``True`` → MET, ``False`` → NOT_MET, ``None`` → UNKNOWN.

        Only real booleans (Python's or numpy's) are answers: ``"no"`` and
        ``float("nan")`` are truthy, and reading them as MET would let missing
        data pass.

        Raises:
            InputError: For anything else, naming the argument.
        """
        if value is None:
            return cls.UNKNOWN
        if isinstance(value, bool | np.bool_):
            return cls.MET if value else cls.NOT_MET
        msg = f"Outcome.from_bool: expected True, False or None, got {value!r}"
        raise InputError(msg, column="value", value=value)


_NEGATION = {
    Outcome.MET: Outcome.NOT_MET,
    Outcome.NOT_MET: Outcome.MET,
    Outcome.UNKNOWN: Outcome.UNKNOWN,
    Outcome.NOT_APPLICABLE: Outcome.NOT_APPLICABLE,
}


class RuleLevel(enum.Enum):
    """What a rule set decides about: the level of unit it grades.

    Town-level units (*thị xã*, *thành phố thuộc tỉnh*) share one level,
    ``TOWN``, because Decision 320/QĐ-TTg Annex II treats them alike.

    >>> RuleLevel.from_text("xã")
    <RuleLevel.COMMUNE: 'commune'>

    .. versionadded:: 0.1.0
    """

    COMMUNE = "commune"
    DISTRICT = "district"
    TOWN = "town"
    PROVINCE = "province"
    RESIDENTIAL_AREA = "residential_area"
    GARDEN = "garden"
    PRODUCT = "product"

    @classmethod
    def from_text(cls, text: str) -> RuleLevel:
        """Parse an English or Vietnamese level name (``"commune"``, ``"xã"``, ``"huyện"``).

        Raises:
            ValueError: If the text names no level.
        """
        aliases = {
            "xa": cls.COMMUNE,
            "huyen": cls.DISTRICT,
            "thi_xa": cls.TOWN,
            "thanh_pho": cls.TOWN,
            "city": cls.TOWN,
            "tinh": cls.PROVINCE,
            "khu_dan_cu": cls.RESIDENTIAL_AREA,
            "thon": cls.RESIDENTIAL_AREA,
            "vuon": cls.GARDEN,
            "san_pham": cls.PRODUCT,
        }
        return parse_member(cls, text, aliases, "level")


class Tier(enum.Enum):
    """A rung of an NTM ladder.

    Tiers are ordered within a ladder (:meth:`ladder`): commune and district
    *not yet → standard (đạt chuẩn) → advanced (nâng cao) → model (kiểu mẫu)*;
    town and province *not yet → task completed (hoàn thành nhiệm vụ)*;
    residential area and garden *not yet → model*. Comparing tiers of
    different ladders raises :class:`TypeError`.

    >>> Tier.STANDARD < Tier.ADVANCED
    True
    >>> Tier.ladder(RuleLevel.PROVINCE)
    (<Tier.NOT_YET: 'not_yet'>, <Tier.TASK_COMPLETED: 'task_completed'>)
    >>> Tier.ADVANCED.label("vi")
    'đạt chuẩn NTM nâng cao'

    .. versionadded:: 0.1.0
    """

    NOT_YET = "not_yet"
    STANDARD = "standard"
    ADVANCED = "advanced"
    MODEL = "model"
    TASK_COMPLETED = "task_completed"
    MODERN = "modern"

    @property
    def rank(self) -> int:
        """The position on its ladder, 0 for ``NOT_YET``; higher is better."""
        return _TIER_RANK[self]

    @staticmethod
    def ladder(level: RuleLevel) -> tuple[Tier, ...]:
        """The rungs of ``level``'s ladder, lowest first."""
        return _LADDERS[level]

    def label(self, lang: str = "en") -> str:
        """The tier's name in English (``"en"``) or Vietnamese (``"vi"``)."""
        return _TIER_LABELS[self][0 if lang == "en" else 1]

    def _ranks(self, other: object) -> tuple[int, int] | None:
        """Both ranks, or ``None`` when ``other`` is not a tier."""
        if not isinstance(other, Tier):
            return None
        # MODERN (the 2026-2030 pilot) and TASK_COMPLETED sit on ladders of their own.
        own = {self, other} - {Tier.NOT_YET}
        if len(own) == 2 and own & {Tier.MODERN, Tier.TASK_COMPLETED}:
            msg = f"{self.value!r} and {other.value!r} are on different ladders"
            raise TypeError(msg)
        return self.rank, other.rank

    def __lt__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] < ranks[1]

    def __le__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] <= ranks[1]

    def __gt__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] > ranks[1]

    def __ge__(self, other: object) -> bool:
        ranks = self._ranks(other)
        return NotImplemented if ranks is None else ranks[0] >= ranks[1]

    @classmethod
    def from_text(cls, text: str) -> Tier:
        """Parse an English or Vietnamese tier name (``"advanced"``, ``"nâng cao"``).

        Raises:
            ValueError: If the text names no tier.
        """
        aliases = {
            "dat_chuan": cls.STANDARD,
            "ntm": cls.STANDARD,
            "nang_cao": cls.ADVANCED,
            "kieu_mau": cls.MODEL,
            "hoan_thanh_nhiem_vu": cls.TASK_COMPLETED,
            "hien_dai": cls.MODERN,
            "chua_dat": cls.NOT_YET,
            "none": cls.NOT_YET,
        }
        return parse_member(cls, text, aliases, "tier")


_TIER_RANK = {
    Tier.NOT_YET: 0,
    Tier.STANDARD: 1,
    Tier.ADVANCED: 2,
    Tier.MODEL: 3,
    Tier.TASK_COMPLETED: 1,
    Tier.MODERN: 2,
}

_TIER_LABELS = {
    Tier.NOT_YET: ("not yet at standard", "chưa đạt chuẩn"),
    Tier.STANDARD: ("standard (NTM)", "đạt chuẩn NTM"),
    Tier.ADVANCED: ("advanced", "đạt chuẩn NTM nâng cao"),
    Tier.MODEL: ("model", "đạt chuẩn NTM kiểu mẫu"),
    Tier.TASK_COMPLETED: ("NTM task completed", "hoàn thành nhiệm vụ xây dựng NTM"),
    Tier.MODERN: ("modern (pilot)", "NTM hiện đại (thí điểm)"),
}

_LADDERS = {
    RuleLevel.COMMUNE: (Tier.NOT_YET, Tier.STANDARD, Tier.ADVANCED, Tier.MODEL),
    RuleLevel.DISTRICT: (Tier.NOT_YET, Tier.STANDARD, Tier.ADVANCED, Tier.MODEL),
    RuleLevel.TOWN: (Tier.NOT_YET, Tier.TASK_COMPLETED),
    RuleLevel.PROVINCE: (Tier.NOT_YET, Tier.TASK_COMPLETED),
    RuleLevel.RESIDENTIAL_AREA: (Tier.NOT_YET, Tier.MODEL),
    RuleLevel.GARDEN: (Tier.NOT_YET, Tier.MODEL),
    RuleLevel.PRODUCT: (),
}


class Region(enum.Enum):
    """The 7 NTM regions (*vùng*) of the 2016–2025 criteria sets.

    NTM criteria use 7 regions; GSO statistics use 6 (they merge the North
    Central and South Central Coasts). Do not mix them. Hà Tĩnh is in
    ``BTB``.

    >>> Region.from_text("btb") is Region.BTB
    True
    >>> Region.from_text("Đồng bằng sông Hồng")
    <Region.DBSH: 'ĐBSH'>
    >>> Region.BTB.name_en
    'North Central Coast'

    .. versionadded:: 0.1.0
    """

    TDMNPB = "TDMNPB"
    DBSH = "ĐBSH"
    BTB = "BTB"
    DHNTB = "DHNTB"
    TN = "TN"
    DNB = "ĐNB"
    DBSCL = "ĐBSCL"

    @property
    def abbreviation(self) -> str:
        """The usual Vietnamese abbreviation, e.g. ``"ĐBSCL"``."""
        return self.value

    @property
    def name_vi(self) -> str:
        """The region's Vietnamese name."""
        return _REGION_NAMES[self][0]

    @property
    def name_en(self) -> str:
        """The region's English name."""
        return _REGION_NAMES[self][1]

    @classmethod
    def from_text(cls, text: str) -> Region:
        """Parse an abbreviation (with or without ``Đ``), a Vietnamese or an English name.

        Raises:
            ValueError: If the text names no region.
        """
        return parse_member(cls, text, None, "NTM region", names=("name", "name_vi", "name_en"))


_REGION_NAMES = {
    Region.TDMNPB: ("Trung du và miền núi phía Bắc", "Northern Midlands and Mountains"),
    Region.DBSH: ("Đồng bằng sông Hồng", "Red River Delta"),
    Region.BTB: ("Bắc Trung Bộ", "North Central Coast"),
    Region.DHNTB: ("Duyên hải Nam Trung Bộ", "South Central Coast"),
    Region.TN: ("Tây Nguyên", "Central Highlands"),
    Region.DNB: ("Đông Nam Bộ", "Southeast"),
    Region.DBSCL: ("Đồng bằng sông Cửu Long", "Mekong River Delta"),
}


class CommuneGroup(enum.Enum):
    """The 3 commune groups (*nhóm xã*) of the 2026–2030 set (Decision 51/2025/QĐ-TTg).

    From 2026 thresholds vary by group instead of by region: group 1 communes
    are urbanising (next to an urban area, or agriculture under 10% of the
    economy, or a designated new urban area); group 3 are communes of
    areas II and III in ethnic-minority and mountainous regions; group 2 are
    all others.

    >>> CommuneGroup.from_text("nhóm 3")
    <CommuneGroup.GROUP_3: 3>

    .. versionadded:: 0.1.0
    """

    GROUP_1 = 1
    GROUP_2 = 2
    GROUP_3 = 3

    @property
    def description(self) -> str:
        """What puts a commune in this group, in English."""
        return _GROUP_DESCRIPTIONS[self]

    @classmethod
    def from_text(cls, text: str | int) -> CommuneGroup:
        """Parse ``1``, ``"2"``, ``"group 3"`` or ``"nhóm 1"``.

        Raises:
            ValueError: If the text names no group.
        """
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        return parse_member(
            cls, text, None, "commune group", prefixes=("group_", "nhom_", "group", "nhom")
        )


_GROUP_DESCRIPTIONS = {
    CommuneGroup.GROUP_1: (
        "adjacent to an urban area and oriented to urbanise, or agriculture under 10% of "
        "the economy, or designated a new urban area"
    ),
    CommuneGroup.GROUP_2: "all communes not in groups 1 and 3",
    CommuneGroup.GROUP_3: "communes of areas II and III in ethnic-minority and mountainous regions",
}


class Provenance(enum.Enum):
    """How sure we are of a threshold value.

    ``verified`` comes from the legal text or a legal-news summary of it;
    ``secondary`` from a newspaper or Q&A site; ``unverified`` is inferred or
    recalled and must be checked; ``illustrative`` is made up for the bundled
    synthetic sample and is never a legal fact. Ordered from most to least
    reliable.

    >>> Provenance.UNVERIFIED.reliable
    False
    >>> Provenance.VERIFIED < Provenance.ILLUSTRATIVE
    True

    .. versionadded:: 0.1.0
    """

    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"
    ILLUSTRATIVE = "illustrative"

    @property
    def reliable(self) -> bool:
        """True for verified and secondary values, which need no warning."""
        return self in (Provenance.VERIFIED, Provenance.SECONDARY)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Provenance):
            return NotImplemented
        order = list(Provenance)
        return order.index(self) < order.index(other)


@attrs.frozen(kw_only=True)
class Citation:
    """Where a rule comes from: an instrument, and the place in it.

    Attributes:
        number: The instrument's number, e.g. ``"318/QĐ-TTg"``.
        date: The date it was signed.
        annex: The annex (*phụ lục*), e.g. ``"I"``.
        item: The article, item or indicator code, e.g. ``"10"``.
        url: Where to read it.

    >>> import datetime as dt
    >>> c = Citation(number="318/QĐ-TTg", date=dt.date(2022, 3, 8), annex="I", item="10")
    >>> str(c)
    '318/QĐ-TTg of 2022-03-08, Annex I, item 10'

    .. versionadded:: 0.1.0
    """

    number: str = attrs.field(converter=nfc)
    date: dt.date | None = None
    annex: str | None = attrs.field(default=None, converter=optional_nfc)
    item: str | None = attrs.field(default=None, converter=optional_nfc)
    url: str | None = attrs.field(default=None, converter=optional_nfc)

    @number.validator
    def _check_number(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            msg = "a citation needs an instrument number"
            raise ValueError(msg)

    def __str__(self) -> str:
        text = self.number
        if self.date is not None:
            text += f" of {self.date.isoformat()}"
        if self.annex:
            text += f", Annex {self.annex}"
        if self.item:
            text += f", item {self.item}"
        return text

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Citation:
        """Build a citation from a mapping such as :meth:`to_dict` (or a TOML table) gives.

        ``date`` may be a :class:`datetime.date` or ISO text; unknown keys are an error.

        >>> c = Citation.from_mapping({"number": "318/QĐ-TTg", "date": "2022-03-08", "item": "10"})
        >>> c.date, c.item
        (datetime.date(2022, 3, 8), '10')

        Raises:
            ValueError: If the number is missing, the date is not a date, or a
                key is not a citation field.

        .. versionadded:: 0.2.0
        """
        unknown = sorted(str(k) for k in data if k not in _CITATION_FIELDS)
        if unknown:
            expected = ", ".join(_CITATION_FIELDS)
            msg = f"unknown citation field(s) {', '.join(unknown)}; expected {expected}"
            raise ValueError(msg)
        number = data.get("number")
        if number is None or not str(number).strip():
            msg = "a citation needs an instrument number"
            raise ValueError(msg)
        date = data.get("date")
        if isinstance(date, str) and date.strip():
            try:
                date = dt.date.fromisoformat(date.strip())
            except ValueError:
                msg = f"citation date: expected an ISO date such as 2022-03-08, got {date!r}"
                raise ValueError(msg) from None
        elif isinstance(date, dt.datetime) or not isinstance(date, dt.date | None):
            if date != "":
                msg = f"citation date: expected a date, got {date!r}"
                raise ValueError(msg)
            date = None
        return cls(
            number=str(number),
            date=date,
            annex=data.get("annex"),
            item=data.get("item"),
            url=data.get("url"),
        )

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready mapping with only the fields that are set."""
        out = {"number": self.number}
        if self.date is not None:
            out["date"] = self.date.isoformat()
        for name in ("annex", "item", "url"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


_CITATION_FIELDS = ("number", "date", "annex", "item", "url")
