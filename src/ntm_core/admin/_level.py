"""The levels of the administrative tree and their Vietnamese names.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import functools

from ntm_core._core.text import fold, require_text
from ntm_core._core.vocabulary import RuleLevel
from ntm_core.exceptions import InputError

__all__ = ["AdminLevel"]


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
    def of_rank(cls, rank: int) -> frozenset[AdminLevel]:
        """Every level at depth ``rank``: ``of_rank(1)`` is the district level.

        >>> sorted(level.value for level in AdminLevel.of_rank(2))
        ['commune', 'special_zone', 'township', 'ward']

        .. versionadded:: 0.1.0
        """
        return frozenset(level for level in cls if level.rank == rank)

    @classmethod
    def from_text(cls, text: str) -> AdminLevel:
        """Parse an English level name or a Vietnamese unit type (``"huyện"``, ``"phường"``).

        Raises:
            InputError: (a :class:`ValueError`) If ``text`` is not text or names no level.
        """
        choices = ", ".join(m.value for m in cls)
        level = _level_from_text(require_text(text, "administrative level", choices))
        if level is not None:
            return level
        msg = f"unknown administrative level {text!r}; expected one of {choices}"
        raise InputError(msg, value=text)


@functools.lru_cache(maxsize=512)
def _level_from_text(text: str) -> AdminLevel | None:
    """The level a text names, or ``None``; cached, as loaders parse the same few words."""
    folded = fold(text)
    for member in AdminLevel:
        if folded in (member.value, fold(member.name_vi)):
            return member
    aliases = {
        "thanh_pho_thuoc_tinh": AdminLevel.CITY,
        "thanh_pho_truc_thuoc_trung_uong": AdminLevel.PROVINCE,
        "thon": AdminLevel.RESIDENTIAL_AREA,
        "khu_dan_cu": AdminLevel.RESIDENTIAL_AREA,
    }
    return aliases.get(folded)


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
