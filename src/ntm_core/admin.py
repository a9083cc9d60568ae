"""Administrative units: levels, units with codes and validity dates.

Vietnam's administrative tree changes with reforms (2020, 2025-01-01,
2025-07-01), so every unit carries the half-open interval in which it
existed. Codes are the General Statistics Office (GSO) codes, kept as
strings because leading zeros matter (``"00001"`` is Phúc Xá, Hà Nội).

>>> import datetime as dt
>>> unit = AdminUnit.from_mapping(
...     {"code": "18073", "name": "Phường Nam Hà", "level": "ward", "parent_code": "436"}
... )
>>> unit.level
<AdminLevel.WARD: 'ward'>
>>> unit.exists_on(dt.date(2024, 1, 1))
True

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import unicodedata
from collections.abc import Mapping

import attrs

from ntm_core._vocabulary import RuleLevel, _fold

__all__ = ["AdminLevel", "AdminUnit"]


class AdminLevel(enum.Enum):
    """The level of an administrative unit.

    ``city`` and ``town`` are the provincial city (*thành phố thuộc tỉnh*)
    and town (*thị xã*) at district level; ``urban_district`` is a *quận*;
    ``township`` is a *thị trấn*; ``special_zone`` is a *đặc khu* (from
    2025-07-01). A residential area (*thôn*, *khu dân cư*) is below the commune.

    >>> AdminLevel.from_text("thị trấn")
    <AdminLevel.TOWNSHIP: 'township'>
    >>> AdminLevel.COMMUNE.rule_level
    <RuleLevel.COMMUNE: 'commune'>
    >>> AdminLevel.WARD.rule_level is None
    True

    .. versionadded:: 0.1.0
    """

    PROVINCE = "province"
    CITY = "city"
    TOWN = "town"
    DISTRICT = "district"
    URBAN_DISTRICT = "urban_district"
    COMMUNE = "commune"
    WARD = "ward"
    TOWNSHIP = "township"
    SPECIAL_ZONE = "special_zone"
    RESIDENTIAL_AREA = "residential_area"

    @property
    def name_vi(self) -> str:
        """The Vietnamese word for the level, e.g. ``"xã"``."""
        return _LEVEL_VI[self]

    @property
    def rule_level(self) -> RuleLevel | None:
        """The NTM level that grades units of this level, or ``None`` if none does.

        Wards, townships and urban districts are urban units: the NTM criteria
        do not grade them (townships are judged on the civilised-urban standard).
        """
        return _RULE_LEVEL.get(self)

    @property
    def rank(self) -> int:
        """The depth in the tree, 0 for a province, 1 for district level, 2 for commune level."""
        return _LEVEL_RANK[self]

    @classmethod
    def from_text(cls, text: str) -> AdminLevel:
        """Parse an English level name or a Vietnamese unit type (``"huyện"``, ``"phường"``).

        Raises:
            ValueError: If the text names no level.
        """
        folded = _fold(text)
        for member in cls:
            if folded in (member.value, _fold(member.name_vi)):
                return member
        aliases = {
            "thanh_pho_thuoc_tinh": cls.CITY,
            "thanh_pho_truc_thuoc_trung_uong": cls.PROVINCE,
            "thon": cls.RESIDENTIAL_AREA,
            "khu_dan_cu": cls.RESIDENTIAL_AREA,
        }
        if folded in aliases:
            return aliases[folded]
        choices = ", ".join(m.value for m in cls)
        msg = f"unknown administrative level {text!r}; expected one of {choices}"
        raise ValueError(msg)


_LEVEL_VI = {
    AdminLevel.PROVINCE: "tỉnh",
    AdminLevel.CITY: "thành phố",
    AdminLevel.TOWN: "thị xã",
    AdminLevel.DISTRICT: "huyện",
    AdminLevel.URBAN_DISTRICT: "quận",
    AdminLevel.COMMUNE: "xã",
    AdminLevel.WARD: "phường",
    AdminLevel.TOWNSHIP: "thị trấn",
    AdminLevel.SPECIAL_ZONE: "đặc khu",
    AdminLevel.RESIDENTIAL_AREA: "khu dân cư",
}

_RULE_LEVEL = {
    AdminLevel.PROVINCE: RuleLevel.PROVINCE,
    AdminLevel.CITY: RuleLevel.TOWN,
    AdminLevel.TOWN: RuleLevel.TOWN,
    AdminLevel.DISTRICT: RuleLevel.DISTRICT,
    AdminLevel.COMMUNE: RuleLevel.COMMUNE,
    AdminLevel.RESIDENTIAL_AREA: RuleLevel.RESIDENTIAL_AREA,
}

_LEVEL_RANK = {
    AdminLevel.PROVINCE: 0,
    AdminLevel.CITY: 1,
    AdminLevel.TOWN: 1,
    AdminLevel.DISTRICT: 1,
    AdminLevel.URBAN_DISTRICT: 1,
    AdminLevel.COMMUNE: 2,
    AdminLevel.WARD: 2,
    AdminLevel.TOWNSHIP: 2,
    AdminLevel.SPECIAL_ZONE: 2,
    AdminLevel.RESIDENTIAL_AREA: 3,
}


def _nfc(value: object) -> str:
    """Strip and NFC-normalise text, so NFD input compares equal to NFC."""
    return unicodedata.normalize("NFC", str(value).strip())


def _strip(value: object) -> str:
    """Text without surrounding white space."""
    return str(value).strip()


def _optional_code(value: object) -> str | None:
    """A parent code, or ``None`` when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _frozen_attributes(value: Mapping[str, object] | None) -> Mapping[str, str]:
    """Copy attributes into a read-only mapping of NFC strings."""
    if not value:
        return types.MappingProxyType({})
    return types.MappingProxyType({_nfc(k): _nfc(v) for k, v in value.items()})


def _parse_date(value: object, field: str) -> dt.date | None:
    """Parse an ISO date, a :class:`datetime.date`, or empty to ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        msg = f"{field}: expected an ISO date (YYYY-MM-DD), got {value!r}"
        raise ValueError(msg) from None


@attrs.frozen(kw_only=True)
class AdminUnit:
    """One administrative unit during one interval of its life.

    Attributes:
        code: The GSO code, a string of digits (leading zeros kept).
        name: The official name, NFC-normalised (``"Xã Kỳ Lạc"``).
        level: Its :class:`AdminLevel`.
        parent_code: The code of the unit it belongs to, or ``None`` for a province.
        valid_from: First day it existed in this form (inclusive), or ``None`` if unknown.
        valid_to: First day it no longer existed (exclusive), or ``None`` if it still does.
        attributes: Other facts the rules use (``region``, ``group``, ``commune_kind``),
            as a read-only mapping of strings.

    .. versionadded:: 0.1.0
    """

    code: str = attrs.field(converter=_strip)
    name: str = attrs.field(converter=_nfc)
    level: AdminLevel = attrs.field(validator=attrs.validators.instance_of(AdminLevel))
    parent_code: str | None = attrs.field(default=None, converter=_optional_code)
    valid_from: dt.date | None = attrs.field(default=None)
    valid_to: dt.date | None = attrs.field(default=None)
    attributes: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen_attributes, hash=False
    )

    @code.validator
    def _check_code(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            msg = "an administrative unit needs a code"
            raise ValueError(msg)

    @name.validator
    def _check_name(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            msg = f"unit {self.code!r} needs a name"
            raise ValueError(msg)

    @valid_to.validator
    def _check_interval(
        self, _attribute: attrs.Attribute[dt.date | None], value: dt.date | None
    ) -> None:
        if value is not None and self.valid_from is not None and value <= self.valid_from:
            msg = (
                f"unit {self.code!r}: valid_to {value.isoformat()} must be after "
                f"valid_from {self.valid_from.isoformat()}"
            )
            raise ValueError(msg)

    def exists_on(self, on: dt.date) -> bool:
        """Whether the unit existed, in this form, on ``on``."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_to is None or on < self.valid_to

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> AdminUnit:
        """Build a unit from a row such as those of the bundled CSV files.

        Recognised keys: ``code``, ``name``, ``level`` (English, or a Vietnamese
        type in ``type``), ``parent_code`` (or ``district_code``, then
        ``province_code``), ``valid_from``, ``valid_to``. Every other non-empty
        key becomes an attribute.

        Raises:
            ValueError: If a required key is missing or a value cannot be parsed;
                the message names the key and the value.
        """
        known = {
            "code", "name", "level", "type", "parent_code", "district_code",
            "province_code", "valid_from", "valid_to",
        }  # fmt: skip
        level_text = row.get("level") or row.get("type")
        if not level_text:
            msg = f"unit {row.get('code')!r}: missing 'level'"
            raise ValueError(msg)
        parent = row.get("parent_code") or row.get("district_code") or row.get("province_code")
        extra = {k: v for k, v in row.items() if k not in known and v not in (None, "")}
        return cls(
            code=str(row.get("code") or ""),
            name=str(row.get("name") or ""),
            level=AdminLevel.from_text(str(level_text)),
            parent_code=_optional_code(parent),
            valid_from=_parse_date(row.get("valid_from"), "valid_from"),
            valid_to=_parse_date(row.get("valid_to"), "valid_to"),
            attributes={str(k): v for k, v in extra.items()},
        )
