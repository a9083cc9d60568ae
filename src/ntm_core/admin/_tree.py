"""Administrative units and the dated administrative tree.

Vietnam's administrative tree changes with reforms (2020, 2025-01-01,
2025-07-01), so every unit carries the half-open interval in which it
existed. Codes are the General Statistics Office (GSO) codes, kept as
strings because leading zeros matter (``"00001"`` is Phúc Xá, Hà Nội).

An :class:`AdminTree` holds every version of every unit plus a lineage
table (which old units a new unit was made of); :meth:`AdminTree.as_of`
gives the tree on one day as an :class:`AdminSnapshot`, whose integer
parent indices make roll-ups array reductions (:func:`numpy.bincount`).

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

import bisect
import datetime as dt
import enum
import functools
import os
import types
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.tables import read_table
from ntm_core._core.text import fold as _fold
from ntm_core._core.text import parse_member
from ntm_core._core.vocabulary import RuleLevel, Tier
from ntm_core.exceptions import DataError, InputError, InputErrors

__all__ = [
    "AdminLevel",
    "AdminSnapshot",
    "AdminTree",
    "AdminUnit",
    "CarriedResult",
    "LineageLink",
    "LineageShare",
    "UnknownUnitError",
    "count_reached",
    "load_lineage_csv",
    "load_units_csv",
]

T = TypeVar("T")


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
            ValueError: If the text names no level.
        """
        level = _level_from_text(text)
        if level is not None:
            return level
        choices = ", ".join(m.value for m in cls)
        msg = f"unknown administrative level {text!r}; expected one of {choices}"
        raise ValueError(msg)


@functools.lru_cache(maxsize=512)
def _level_from_text(text: str) -> AdminLevel | None:
    """The level a text names, or ``None``; cached, as loaders parse the same few words."""
    folded = _fold(text)
    for member in AdminLevel:
        if folded in (member.value, _fold(member.name_vi)):
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

    def __reduce__(self) -> tuple[object, ...]:
        # The attributes are a read-only mapping, which does not pickle: pass a dict.
        fields = (self.code, self.name, self.level, self.parent_code, self.valid_from)
        return (_rebuild_unit, (*fields, self.valid_to, dict(self.attributes)))

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


def _rebuild_unit(  # noqa: PLR0917 - pickle calls it with positional args
    code: str,
    name: str,
    level: AdminLevel,
    parent_code: str | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    attributes: Mapping[str, str],
) -> AdminUnit:
    """Rebuild an :class:`AdminUnit` when unpickling."""
    return AdminUnit(
        code=code, name=name, level=level, parent_code=parent_code,
        valid_from=valid_from, valid_to=valid_to, attributes=attributes,
    )  # fmt: skip


# ---------------------------------------------------------------- errors


class UnknownUnitError(InputError, KeyError):
    """A unit code is not in the tree on the date asked for.

    It is a :class:`KeyError`, so an :class:`AdminSnapshot` behaves as a
    mapping (``code in snapshot``, ``snapshot.get(code)``).

    .. versionadded:: 0.1.0
    """

    def __str__(self) -> str:
        # KeyError.__str__ would repr the args tuple; keep InputError's message.
        return InputError.__str__(self)


# ---------------------------------------------------------------- lineage

_DAY = dt.timedelta(days=1)


def _as_date(value: object, field: str = "on") -> dt.date:
    """A :class:`datetime.date` (a datetime is cut to its date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    msg = f"{field}: expected a datetime.date, got {value!r}"
    raise TypeError(msg)


class LineageShare(enum.Enum):
    """How much of an old unit went into a new one in a reform.

    ``WHOLE``: the whole old unit went into the new one. ``PART``: the old unit
    was split; each part went to a different new unit.

    >>> LineageShare.from_text("part")
    <LineageShare.PART: 'part'>

    .. versionadded:: 0.1.0
    """

    WHOLE = "whole"
    PART = "part"

    @classmethod
    def from_text(cls, text: str) -> LineageShare:
        """Parse ``"whole"`` or ``"part"`` (or ``"toàn bộ"``, ``"một phần"``).

        Raises:
            ValueError: If the text names no share.
        """
        return parse_member(cls, text, {"toan_bo": cls.WHOLE, "mot_phan": cls.PART}, "share")


def _flag(value: object, field: str) -> bool:
    """Parse a yes/no cell (``yes``, ``no``, ``true``, ``false``, ``1``, ``0``)."""
    if isinstance(value, bool):
        return value
    folded = _fold(str(value))
    if folded in {"yes", "true", "1", "co"}:
        return True
    if folded in {"no", "false", "0", "khong"}:
        return False
    msg = f"{field}: expected yes or no, got {value!r}"
    raise ValueError(msg)


def _nonempty(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """Reject an empty code."""
    if not value:
        msg = f"{attribute.name}: a unit code is needed"
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class LineageLink:
    """One predecessor → successor link of a reform.

    Attributes:
        old_code: The unit before the reform; it existed the day before ``on``.
        new_code: The unit after the reform; it exists on ``on``. New units often
            reuse the code of one of their predecessors.
        share: ``LineageShare.WHOLE`` if all of the old unit went into the new
            one, ``LineageShare.PART`` if the old unit was split.
        default: Whether the new unit is the main successor of the old one; each
            old unit has exactly one default successor.
        on: The day the reform took effect: the first day of the new units.

    >>> import datetime as dt
    >>> LineageLink(old_code="18082", new_code="18073", share=LineageShare.PART,
    ...             on=dt.date(2025, 7, 1))
    LineageLink(old_code='18082', new_code='18073', share=<LineageShare.PART: 'part'>, default=True, on=datetime.date(2025, 7, 1))

    .. versionadded:: 0.1.0
    """  # noqa: E501 - a doctest's output is one line

    old_code: str = attrs.field(converter=_strip, validator=_nonempty)
    new_code: str = attrs.field(converter=_strip, validator=_nonempty)
    share: LineageShare = attrs.field(
        default=LineageShare.WHOLE, validator=attrs.validators.instance_of(LineageShare)
    )
    default: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    on: dt.date = attrs.field(converter=_as_date)

    @classmethod
    def from_mapping(cls, row: Mapping[str, object], *, on: dt.date | None = None) -> LineageLink:
        """Build a link from a row of a lineage table.

        Recognised keys: ``old_code``, ``new_code``, ``share`` (``whole`` or
        ``part``), ``default`` (``yes`` or ``no``; may be left empty for a whole
        link, which is always its old unit's default) and ``on`` (ISO date). A
        non-empty ``on`` in the row wins over the keyword.

        Raises:
            ValueError: If a key is missing or a value cannot be parsed.
        """
        when = _parse_date(row.get("on"), "on") or on
        if when is None:
            msg = "on: the date of the reform is missing (no 'on' value and no on= given)"
            raise ValueError(msg)
        share_text = row.get("share")
        if share_text in (None, ""):
            msg = "share: missing; expected 'whole' or 'part'"
            raise ValueError(msg)
        share = LineageShare.from_text(str(share_text))
        default_text = row.get("default")
        if default_text in (None, ""):
            if share is LineageShare.PART:
                msg = "default: a 'part' link needs default yes or no"
                raise ValueError(msg)
            default = True
        else:
            default = _flag(default_text, "default")
        return cls(
            old_code=str(row.get("old_code") or ""),
            new_code=str(row.get("new_code") or ""),
            share=share,
            default=default,
            on=when,
        )


class CarriedResult(NamedTuple, Generic[T]):
    """One old unit's result carried onto a new unit by :meth:`AdminTree.carry`.

    .. versionadded:: 0.1.0
    """

    old_code: str
    """The predecessor's code."""
    share: LineageShare
    """Whether all of the predecessor, or only part of it, went into the new unit."""
    value: T
    """The predecessor's result, as given."""


# ---------------------------------------------------------------- snapshots


def _level_set(level: object) -> frozenset[AdminLevel] | None:
    """Normalise a ``level=`` option to a set of levels (``None``: every level)."""
    if level is None:
        return None
    if isinstance(level, AdminLevel):
        return frozenset({level})
    if isinstance(level, str) or not isinstance(level, Iterable):
        msg = f"level: expected an AdminLevel or a collection of them, got {level!r}"
        raise TypeError(msg)
    levels = frozenset(level)
    _check_types(levels, AdminLevel, "level")
    return levels


def _check_types(values: Iterable[object], kind: type, field: str) -> None:
    """Reject values of the wrong type, naming the first one."""
    for value in values:
        if not isinstance(value, kind):
            msg = f"{field}: expected {kind.__name__} values, got {value!r}"
            raise TypeError(msg)


def _span(start: dt.date | None, end: dt.date | None) -> str:
    """Render a half-open interval as inclusive dates, e.g. ``2020-01-01 – 2024-12-31``."""
    first = "…" if start is None or start == dt.date.min else start.isoformat()
    last = "…" if end is None else (end - _DAY).isoformat()
    return f"{first} – {last}"


def _preview(codes: Sequence[str], limit: int = 10) -> str:
    """The first codes of a list, quoted, and how many more there are."""
    shown = ", ".join(repr(code) for code in codes[:limit])
    more = len(codes) - limit
    return f"{shown} and {more} more" if more > 0 else shown


_RANK_LABELS = {0: "province-level", 1: "district-level", 2: "commune-level", 3: "residential-area"}


class _Problem(NamedTuple):
    """A structural problem found while laying out the units of one day."""

    kind: str  # "duplicate", "parent" or "cycle"
    units: tuple[AdminUnit, ...]


@attrs.frozen(eq=False, repr=False)
class _Layout:
    """The units of one day in a stable order, with their parent and child indices."""

    units: tuple[AdminUnit, ...]
    index: Mapping[str, int]
    parent_index: npt.NDArray[np.intp]
    children: tuple[tuple[int, ...], ...]


def _sort_key(unit: AdminUnit) -> tuple[int, str]:
    return (unit.level.rank, unit.code)


def _find_cycles(parents: list[int]) -> list[list[int]]:
    """Every cycle of a parent-pointer array, each as a list of indices."""
    state = [0] * len(parents)  # 0: not seen, 1: on the current path, 2: done
    cycles: list[list[int]] = []
    for start in range(len(parents)):
        path: list[int] = []
        node = start
        while node >= 0 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node >= 0 and state[node] == 1:
            cycles.append(path[path.index(node) :])
        for visited in path:
            state[visited] = 2
    return cycles


def _build_layout(units: Iterable[AdminUnit]) -> tuple[_Layout, list[_Problem]]:
    """Order the units of one day and index them; report what is inconsistent."""
    ordered = tuple(sorted(units, key=_sort_key))
    problems: list[_Problem] = []
    index: dict[str, int] = {}
    for i, unit in enumerate(ordered):
        if unit.code in index:
            problems.append(_Problem("duplicate", (ordered[index[unit.code]], unit)))
        else:
            index[unit.code] = i
    parents = [-1] * len(ordered)
    for i, unit in enumerate(ordered):
        if unit.parent_code is None:
            continue
        j = index.get(unit.parent_code)
        if j is None:
            problems.append(_Problem("parent", (unit,)))
        else:
            parents[i] = j
    for cycle in _find_cycles(parents):
        problems.append(_Problem("cycle", tuple(ordered[k] for k in cycle)))
        # Cut the cycle so that walking up or down the tree terminates.
        parents[cycle[0]] = -1
    children: list[list[int]] = [[] for _ in ordered]
    for i, parent in enumerate(parents):
        if parent >= 0:
            children[parent].append(i)
    parent_index = np.asarray(parents, dtype=np.intp)
    parent_index.flags.writeable = False
    layout = _Layout(
        units=ordered,
        index=types.MappingProxyType(index),
        parent_index=parent_index,
        children=tuple(tuple(c) for c in children),
    )
    return layout, problems


def _describe(unit: AdminUnit) -> str:
    return f"unit {unit.code!r} ({unit.name}, {_span(unit.valid_from, unit.valid_to)})"


def _cycle_text(units: Sequence[AdminUnit]) -> str:
    return " → ".join(repr(u.code) for u in (*units, units[0]))


def _checked_layout(units: tuple[AdminUnit, ...], on: dt.date) -> _Layout:
    """Lay out a day's units, or raise every problem found in one group."""
    layout, problems = _build_layout(units)
    errors: list[InputError] = []
    for problem in problems:
        first = problem.units[0]
        if problem.kind == "duplicate":
            errors.append(
                InputError(f"code {first.code!r} appears twice", column="code", value=first.code)
            )
        elif problem.kind == "parent":
            errors.append(
                InputError(
                    f"{_describe(first)}: parent {first.parent_code!r} is not among the units",
                    column="parent_code",
                    value=first.parent_code,
                )
            )
        else:
            errors.append(
                InputError(f"cycle of parents: {_cycle_text(problem.units)}", column="parent_code")
            )
    if errors:
        msg = f"inconsistent administrative units on {on.isoformat()} ({len(errors)} problems)"
        raise InputErrors(msg, errors)
    return layout


def _unit_tuple(value: Iterable[AdminUnit]) -> tuple[AdminUnit, ...]:
    units = tuple(value)
    _check_types(units, AdminUnit, "units")
    return units


def _link_tuple(value: Iterable[LineageLink]) -> tuple[LineageLink, ...]:
    links = tuple(value)
    _check_types(links, LineageLink, "lineage")
    return links


@attrs.frozen(kw_only=True, repr=False)
class AdminSnapshot(Mapping[str, AdminUnit]):
    """The administrative tree on one day; get one from :meth:`AdminTree.as_of`.

    A read-only mapping from code to :class:`AdminUnit`, iterated in a stable
    order (by depth, then code): the order of :attr:`codes` and of the rows of
    :attr:`parent_index`.

    Attributes:
        on: The day.

    .. versionadded:: 0.1.0
    """

    on: dt.date = attrs.field(converter=_as_date)
    _units: tuple[AdminUnit, ...] = attrs.field(alias="units", converter=_unit_tuple)
    _layout: _Layout = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        layout = _checked_layout(self._units, self.on)
        object.__setattr__(self, "_layout", layout)
        # Keep the units in the layout's order, so equal snapshots compare equal.
        object.__setattr__(self, "_units", layout.units)

    def __reduce__(self) -> tuple[object, ...]:
        # The layout holds read-only mappings, which do not pickle: rebuild it.
        return (_rebuild_snapshot, (self.on, self._units))

    @classmethod
    def _from_layout(cls, on: dt.date, layout: _Layout) -> AdminSnapshot:
        """A snapshot of a layout the tree has already checked (no work, no checks)."""
        snapshot = object.__new__(cls)
        object.__setattr__(snapshot, "on", on)
        object.__setattr__(snapshot, "_units", layout.units)
        object.__setattr__(snapshot, "_layout", layout)
        return snapshot

    def __repr__(self) -> str:
        counts: dict[int, int] = {}
        for unit in self._units:
            counts[unit.level.rank] = counts.get(unit.level.rank, 0) + 1
        parts = ", ".join(
            f"{n} {_RANK_LABELS.get(rank, str(rank))}" for rank, n in sorted(counts.items())
        )
        return f"<AdminSnapshot on {self.on.isoformat()}: {len(self)} units ({parts})>"

    # -- the Mapping protocol

    def __getitem__(self, code: str) -> AdminUnit:
        return self._units[self._position(code)]

    def __iter__(self) -> Iterator[str]:
        return (unit.code for unit in self._units)

    def __len__(self) -> int:
        return len(self._units)

    def __contains__(self, code: object) -> bool:
        return code in self._layout.index

    def _position(self, code: str) -> int:
        try:
            return self._layout.index[code]
        except KeyError:
            msg = f"no unit {code!r} on {self.on.isoformat()}"
            raise UnknownUnitError(msg, column="code", value=code) from None

    # -- lookups

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the units, in the snapshot's stable order."""
        return tuple(unit.code for unit in self._units)

    def units(
        self, *, level: AdminLevel | Iterable[AdminLevel] | None = None
    ) -> tuple[AdminUnit, ...]:
        """The units of the day, optionally only those of ``level`` (a level or a set of levels)."""
        levels = _level_set(level)
        if levels is None:
            return self._units
        return tuple(unit for unit in self._units if unit.level in levels)

    @property
    def roots(self) -> tuple[AdminUnit, ...]:
        """The units without a parent (the provinces, in a national tree)."""
        return tuple(
            u for u, p in zip(self._units, self._layout.parent_index, strict=True) if p < 0
        )

    def parent(self, code: str) -> AdminUnit | None:
        """The unit ``code`` belongs to, or ``None`` for a root.

        Raises:
            UnknownUnitError: If there is no unit ``code`` on the day.
        """
        parent = int(self._layout.parent_index[self._position(code)])
        return None if parent < 0 else self._units[parent]

    def children(
        self, code: str, *, level: AdminLevel | Iterable[AdminLevel] | None = None
    ) -> tuple[AdminUnit, ...]:
        """The units directly under ``code``, optionally only those of ``level``.

        Raises:
            UnknownUnitError: If there is no unit ``code`` on the day.
        """
        levels = _level_set(level)
        found = (self._units[i] for i in self._layout.children[self._position(code)])
        return tuple(u for u in found if levels is None or u.level in levels)

    def descendants(
        self, code: str, *, level: AdminLevel | Iterable[AdminLevel] | None = None
    ) -> tuple[AdminUnit, ...]:
        """Every unit below ``code`` at any depth, in the snapshot's order.

        Raises:
            UnknownUnitError: If there is no unit ``code`` on the day.
        """
        levels = _level_set(level)
        children = self._layout.children
        found: list[int] = []
        stack = list(children[self._position(code)])
        while stack:
            i = stack.pop()
            found.append(i)
            stack.extend(children[i])
        units = (self._units[i] for i in sorted(found))
        return tuple(u for u in units if levels is None or u.level in levels)

    def ancestors(self, code: str) -> tuple[AdminUnit, ...]:
        """The units above ``code``, nearest first.

        Raises:
            UnknownUnitError: If there is no unit ``code`` on the day.
        """
        parents = self._layout.parent_index
        found: list[AdminUnit] = []
        i = int(parents[self._position(code)])
        while i >= 0:
            found.append(self._units[i])
            i = int(parents[i])
        return tuple(found)

    # -- arrays for roll-ups

    @property
    def parent_index(self) -> npt.NDArray[np.intp]:
        """For each unit (in the order of :attr:`codes`), the index of its parent, or -1.

        The array is read-only. ``np.bincount(parent_index[i], weights=v,
        minlength=len(snapshot))`` sums the values ``v`` of units ``i`` into
        their parents.
        """
        return self._layout.parent_index

    def index_of(self, codes: str | Iterable[str]) -> npt.NDArray[np.intp]:
        """The positions of ``codes`` in the snapshot's order, as an integer array.

        Raises:
            UnknownUnitError: If some codes are not units on the day (all are listed).
        """
        wanted = [codes] if isinstance(codes, str) else list(codes)
        index = self._layout.index
        try:
            return np.fromiter((index[c] for c in wanted), dtype=np.intp, count=len(wanted))
        except KeyError:
            missing = [c for c in wanted if c not in index]
            msg = (
                f"{len(missing)} codes are not units on {self.on.isoformat()}: {_preview(missing)}"
            )
            raise UnknownUnitError(msg, column="code", value=tuple(missing)) from None

    def ancestor_index(self, *, level: AdminLevel | Iterable[AdminLevel]) -> npt.NDArray[np.intp]:
        """For each unit, the index of itself or its nearest ancestor at ``level``, or -1.

        ``level`` is a level or a set of levels, e.g. ``AdminLevel.of_rank(1)``
        for the district level. Roll communes up to their province with
        ``np.bincount(snapshot.ancestor_index(level=AdminLevel.PROVINCE)[i], ...)``.
        """
        levels = _level_set(level) or frozenset()
        mask = np.fromiter((u.level in levels for u in self._units), dtype=bool, count=len(self))
        parents = self._layout.parent_index
        current = np.arange(len(self), dtype=np.intp)
        found = np.where(mask, current, -1)
        # The tree is shallow (at most four levels): one vector step per level.
        while True:
            climbing = (found < 0) & (current >= 0)
            if not climbing.any():
                return found
            current = np.where(climbing, parents[np.maximum(current, 0)], -1)
            hit = climbing & (current >= 0) & mask[np.maximum(current, 0)]
            found = np.where(hit, current, found)


# ---------------------------------------------------------------- the dated tree


@attrs.frozen(eq=False, repr=False)
class _TreeIndex:
    """What the tree works out once, at construction."""

    boundaries: tuple[dt.date, ...]
    layouts: tuple[_Layout, ...]
    out_links: Mapping[tuple[dt.date, str], tuple[LineageLink, ...]]
    in_links: Mapping[tuple[dt.date, str], tuple[LineageLink, ...]]
    lineage_dates: tuple[dt.date, ...]
    snapshots: dict[dt.date, AdminSnapshot] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True, repr=False)
class AdminTree:
    """Every version of every administrative unit, and the lineage of reforms.

    Build one with :meth:`from_units`; ask for the tree on a day with
    :meth:`as_of`. Construction checks, for every day, that each unit's parent
    exists, that parents form no cycle, and that no code has two records at
    once; and that each lineage link joins a unit of the day before the reform
    to a unit of the reform's first day. Every problem is reported at once.

    Attributes:
        units: The unit records, each valid over a half-open interval.
        lineage: The predecessor → successor links of the reforms.

    A province with two districts; on 2025-07-01 the districts go and their
    three communes become two, directly under the province:

    >>> import datetime as dt
    >>> import numpy as np
    >>> old, new = dt.date(2020, 1, 1), dt.date(2025, 7, 1)
    >>> def unit(code, name, level, parent, start, end=None):
    ...     return AdminUnit(code=code, name=name, level=AdminLevel(level),
    ...                      parent_code=parent, valid_from=start, valid_to=end)
    >>> tree = AdminTree.from_units(
    ...     [
    ...         unit("42", "Tỉnh A", "province", None, old),
    ...         unit("1", "Huyện B", "district", "42", old, new),
    ...         unit("2", "Huyện C", "district", "42", old, new),
    ...         unit("11", "Xã D", "commune", "1", old, new),
    ...         unit("12", "Xã E", "commune", "1", old, new),
    ...         unit("21", "Xã F", "commune", "2", old, new),
    ...         unit("11", "Xã D", "commune", "42", new),
    ...         unit("21", "Xã F", "commune", "42", new),
    ...     ],
    ...     lineage=[
    ...         LineageLink(old_code="11", new_code="11", on=new),
    ...         LineageLink(old_code="12", new_code="11", on=new),
    ...         LineageLink(old_code="21", new_code="21", on=new),
    ...     ],
    ... )
    >>> before = tree.as_of(dt.date(2024, 6, 1))
    >>> before
    <AdminSnapshot on 2024-06-01: 6 units (1 province-level, 2 district-level, 3 commune-level)>
    >>> [u.name for u in before.children("1")]
    ['Xã D', 'Xã E']
    >>> before.codes
    ('42', '1', '2', '11', '12', '21')
    >>> communes = before.index_of(["11", "12", "21"])
    >>> np.bincount(before.parent_index[communes], minlength=len(before)).tolist()
    [0, 2, 1, 0, 0, 0]
    >>> carried = tree.carry({"11": "standard", "12": "not yet", "21": "standard"}, on=new)
    >>> [(r.old_code, r.value) for r in carried["11"]]
    [('11', 'standard'), ('12', 'not yet')]

    .. versionadded:: 0.1.0
    """

    units: tuple[AdminUnit, ...] = attrs.field(converter=_unit_tuple)
    lineage: tuple[LineageLink, ...] = attrs.field(default=(), converter=_link_tuple)
    _index: _TreeIndex = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", self._build_index())

    def __reduce__(self) -> tuple[object, ...]:
        # The index holds read-only mappings and a cache, which do not pickle: rebuild it.
        return (_rebuild_tree, (self.units, self.lineage))

    def __repr__(self) -> str:
        changes = ", ".join(d.isoformat() for d in self.change_dates) or "none"
        return (
            f"<AdminTree: {len(self.units)} unit records, {len(self.lineage)} lineage links; "
            f"changes on {changes}>"
        )

    @classmethod
    def from_units(
        cls, units: Iterable[AdminUnit], *, lineage: Iterable[LineageLink] = ()
    ) -> AdminTree:
        """Build a tree from unit records and lineage links.

        Raises:
            ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, one per
                problem: a parent that does not exist on some day, a cycle of
                parents, a code with overlapping records, a lineage link between
                units that do not exist on the right days, or a split unit without
                exactly one default successor.
        """
        return cls(units=tuple(units), lineage=tuple(lineage))

    # -- construction

    def _build_index(self) -> _TreeIndex:
        errors: list[InputError] = []
        errors.extend(self._overlaps())
        bounds = sorted(
            {u.valid_from for u in self.units if u.valid_from is not None}
            | {u.valid_to for u in self.units if u.valid_to is not None}
        )
        starts: list[dt.date] = [dt.date.min, *bounds]
        ends: list[dt.date | None] = [*bounds, None]
        layouts: list[_Layout] = []
        # Problems that last over several segments are reported once, with their span.
        spans: dict[tuple[str, tuple[str, ...]], list[tuple[dt.date, dt.date | None]]] = {}
        first_seen: dict[tuple[str, tuple[str, ...]], _Problem] = {}
        for start, end in zip(starts, ends, strict=True):
            layout, problems = _build_layout(u for u in self.units if u.exists_on(start))
            layouts.append(layout)
            for problem in problems:
                if problem.kind == "duplicate":
                    continue  # reported by _overlaps with both records' intervals
                key = (
                    problem.kind,
                    tuple(sorted(f"{u.code}@{u.valid_from}" for u in problem.units)),
                )
                first_seen.setdefault(key, problem)
                intervals = spans.setdefault(key, [])
                if intervals and intervals[-1][1] == start:
                    intervals[-1] = (intervals[-1][0], end)
                else:
                    intervals.append((start, end))
        known = {u.code for u in self.units}
        for key, problem in first_seen.items():
            when = "; ".join(_span(a, b) for a, b in spans[key])
            if problem.kind == "parent":
                unit = problem.units[0]
                where = (
                    f"does not exist on {when}" if unit.parent_code in known else "is not a unit"
                )
                errors.append(
                    InputError(
                        f"{_describe(unit)}: parent {unit.parent_code!r} {where}",
                        column="parent_code",
                        value=unit.parent_code,
                    )
                )
            else:
                errors.append(
                    InputError(
                        f"cycle of parents on {when}: {_cycle_text(problem.units)}",
                        column="parent_code",
                        value=tuple(u.code for u in problem.units),
                    )
                )
        boundaries = tuple(bounds)
        out_links: dict[tuple[dt.date, str], list[LineageLink]] = {}
        in_links: dict[tuple[dt.date, str], list[LineageLink]] = {}
        for link in self.lineage:
            out_links.setdefault((link.on, link.old_code), []).append(link)
            in_links.setdefault((link.on, link.new_code), []).append(link)

        def layout_on(day: dt.date) -> _Layout:
            return layouts[bisect.bisect_right(boundaries, day)]

        errors.extend(self._lineage_problems(out_links, layout_on))
        if errors:
            msg = f"inconsistent administrative tree ({len(errors)} problems)"
            raise InputErrors(msg, errors)
        return _TreeIndex(
            boundaries=boundaries,
            layouts=tuple(layouts),
            out_links=types.MappingProxyType({k: tuple(v) for k, v in out_links.items()}),
            in_links=types.MappingProxyType({k: tuple(v) for k, v in in_links.items()}),
            lineage_dates=tuple(sorted({link.on for link in self.lineage})),
        )

    def _overlaps(self) -> list[InputError]:
        by_code: dict[str, list[AdminUnit]] = {}
        for unit in self.units:
            by_code.setdefault(unit.code, []).append(unit)
        errors: list[InputError] = []
        for code, records in by_code.items():
            if len(records) < 2:
                continue
            records.sort(key=lambda u: u.valid_from or dt.date.min)
            for i, first in enumerate(records):
                for second in records[i + 1 :]:
                    if first.valid_to is not None and first.valid_to <= (
                        second.valid_from or dt.date.min
                    ):
                        break
                    errors.append(
                        InputError(
                            f"code {code!r} has overlapping records: {first.name!r} "
                            f"({_span(first.valid_from, first.valid_to)}) and {second.name!r} "
                            f"({_span(second.valid_from, second.valid_to)})",
                            column="code",
                            value=code,
                        )
                    )
        return errors

    @staticmethod
    def _lineage_problems(
        out_links: Mapping[tuple[dt.date, str], list[LineageLink]],
        layout_on: Callable[[dt.date], _Layout],
    ) -> list[InputError]:
        errors: list[InputError] = []
        for (on, old_code), links in out_links.items():
            day = on.isoformat()
            if old_code not in layout_on(on - _DAY).index:
                errors.append(
                    InputError(
                        f"lineage of {day}: old unit {old_code!r} does not exist on "
                        f"{(on - _DAY).isoformat()}",
                        column="old_code",
                        value=old_code,
                    )
                )
            errors.extend(
                InputError(
                    f"lineage of {day}: new unit {link.new_code!r} does not exist on {day}",
                    column="new_code",
                    value=link.new_code,
                )
                for link in links
                if link.new_code not in layout_on(on).index
            )
            targets = [link.new_code for link in links]
            if len(set(targets)) < len(targets):
                errors.append(
                    InputError(
                        f"lineage of {day}: old unit {old_code!r} is linked twice to the same unit",
                        column="new_code",
                        value=old_code,
                    )
                )
            defaults = sum(link.default for link in links)
            if defaults != 1:
                errors.append(
                    InputError(
                        f"lineage of {day}: old unit {old_code!r} has {defaults} default "
                        "successors; expected exactly one",
                        column="default",
                        value=old_code,
                    )
                )
            if len(links) > 1 and any(link.share is LineageShare.WHOLE for link in links):
                errors.append(
                    InputError(
                        f"lineage of {day}: old unit {old_code!r} has {len(links)} successors, "
                        "so every link must be 'part', not 'whole'",
                        column="share",
                        value=old_code,
                    )
                )
        return errors

    # -- the tree on a day

    @property
    def change_dates(self) -> tuple[dt.date, ...]:
        """The days on which some unit appears, disappears or changes, in order."""
        return self._index.boundaries

    @property
    def lineage_dates(self) -> tuple[dt.date, ...]:
        """The days of the reforms whose lineage is recorded, in order."""
        return self._index.lineage_dates

    def as_of(self, on: dt.date) -> AdminSnapshot:
        """The tree on the day ``on``: the unit records valid that day.

        Snapshots are cached; the work is done once per interval between
        changes, at construction.
        """
        day = _as_date(on)
        cache = self._index.snapshots
        snapshot = cache.get(day)
        if snapshot is None:
            layout = self._index.layouts[bisect.bisect_right(self._index.boundaries, day)]
            snapshot = AdminSnapshot._from_layout(day, layout)
            cache[day] = snapshot
        return snapshot

    # -- lineage

    def _require_lineage(self, on: object) -> dt.date:
        day = _as_date(on)
        if day in self._index.lineage_dates:
            return day
        recorded = ", ".join(d.isoformat() for d in self._index.lineage_dates) or "no day"
        if day in self._index.boundaries:
            msg = (
                f"the tree changes on {day.isoformat()} but no lineage is recorded for that day; "
                f"lineage is recorded for {recorded}"
            )
        else:
            msg = f"no reform took effect on {day.isoformat()}; lineage is recorded for {recorded}"
        raise InputError(msg, column="on", value=day)

    def _successors(self, code: str, on: dt.date) -> tuple[LineageLink, ...]:
        links = self._index.out_links.get((on, code))
        if links:
            return links
        if code in self.as_of(on):
            # A unit the lineage does not mention and whose code lives on continues as itself.
            return (LineageLink(old_code=code, new_code=code, on=on),)
        return ()

    def successors(self, code: str, *, on: dt.date) -> tuple[LineageLink, ...]:
        """The links from the old unit ``code`` to the units it became in the reform of ``on``.

        ``on`` is the reform's first day; ``code`` is a unit of the day before.
        A unit the lineage does not mention continues as itself (one whole link)
        if its code still exists on ``on``; a unit that disappears without a
        recorded successor (a district on 2025-07-01) has none.

        Raises:
            InputError: If no lineage is recorded for ``on``.
            UnknownUnitError: If ``code`` is not a unit the day before ``on``.
        """
        day = self._require_lineage(on)
        self.as_of(day - _DAY)._position(code)
        return self._successors(code, day)

    def predecessors(self, code: str, *, on: dt.date) -> tuple[LineageLink, ...]:
        """The links into the new unit ``code`` from the units it was made of on ``on``.

        Raises:
            InputError: If no lineage is recorded for ``on``.
            UnknownUnitError: If ``code`` is not a unit on ``on``.
        """
        day = self._require_lineage(on)
        self.as_of(day)._position(code)
        links = list(self._index.in_links.get((day, code), ()))
        continued = (day, code) not in self._index.out_links and code in self.as_of(day - _DAY)
        if continued:
            links.append(LineageLink(old_code=code, new_code=code, on=day))
        before = self.as_of(day - _DAY)
        return tuple(sorted(links, key=lambda link: before._position(link.old_code)))

    def carry(self, results: Mapping[str, T], *, on: dt.date) -> dict[str, list[CarriedResult[T]]]:
        """Carry results of the old units onto the units they became on ``on``.

        Each old unit's result goes to every successor (a split unit's result to
        each of its parts, marked ``LineageShare.PART``). Old units without
        a successor (districts on 2025-07-01) are not carried.

        Args:
            results: A result per old unit code (a tier, a score, a record).
            on: The first day of the new units (e.g. ``date(2025, 7, 1)``).

        Returns:
            For each new unit that received at least one result, in the new
            tree's order: its predecessors' results, as ``(old_code, share,
            value)`` tuples in the old tree's order.

        Raises:
            InputError: If no lineage is recorded for ``on``.
            UnknownUnitError: If some codes of ``results`` are not units on the
                day before ``on`` (all are listed).
        """
        day = self._require_lineage(on)
        before = self.as_of(day - _DAY)
        positions = before.index_of(results)  # raises UnknownUnitError, listing every code
        ordered = before.units()
        carried: dict[str, list[CarriedResult[T]]] = {}
        for position in np.sort(positions).tolist():
            code = ordered[position].code
            for link in self._successors(code, day):
                carried.setdefault(link.new_code, []).append(
                    CarriedResult(code, link.share, results[code])
                )
        return {code: carried[code] for code in self.as_of(day) if code in carried}


def _rebuild_snapshot(on: dt.date, units: tuple[AdminUnit, ...]) -> AdminSnapshot:
    """Rebuild an :class:`AdminSnapshot` when unpickling."""
    return AdminSnapshot(on=on, units=units)


def _rebuild_tree(units: tuple[AdminUnit, ...], lineage: tuple[LineageLink, ...]) -> AdminTree:
    """Rebuild an :class:`AdminTree` when unpickling."""
    return AdminTree(units=units, lineage=lineage)


def count_reached(
    carried: Mapping[str, Iterable[tuple[str, LineageShare, Tier | None]]],
    *,
    ladder: Sequence[Tier] | None = None,
) -> dict[str, dict[Tier, int]]:
    """Count, per new unit, how many predecessors had reached each tier.

    "Reached" means at that tier or higher: a model commune has reached the
    standard too. Predecessors whose tier is ``None`` (unknown) count for none.

    Args:
        carried: What :meth:`AdminTree.carry` returns for tiers.
        ladder: The tiers to count, lowest first; by default the commune ladder.
            ``NOT_YET`` is left out.

    Returns:
        ``{new_code: {tier: count}}``, tiers in ladder order.

    >>> from ntm_core import Tier
    >>> carried = {"18073": [CarriedResult("18073", LineageShare.WHOLE, Tier.ADVANCED),
    ...                      CarriedResult("18077", LineageShare.WHOLE, Tier.STANDARD),
    ...                      CarriedResult("18082", LineageShare.PART, Tier.NOT_YET)]}
    >>> count_reached(carried)["18073"]
    {<Tier.STANDARD: 'standard'>: 2, <Tier.ADVANCED: 'advanced'>: 1, <Tier.MODEL: 'model'>: 0}

    .. versionadded:: 0.1.0
    """
    rungs = [t for t in (ladder or Tier.ladder(RuleLevel.COMMUNE)) if t is not Tier.NOT_YET]
    counts: dict[str, dict[Tier, int]] = {}
    for code, results in carried.items():
        tiers = [value for _old, _share, value in results if value is not None]
        counts[code] = {rung: sum(1 for t in tiers if t >= rung) for rung in rungs}
    return counts


# ---------------------------------------------------------------- CSV readers

# Columns of the nested layout (one row per commune-level unit, its district and
# province spelled out beside it), as in ``units-2025-01.csv`` and ``units-2025-07.csv``.
_NESTED_COLUMNS = frozenset(
    {"district_code", "district_name", "district_type", "province_code", "province_name", "type"}
)


def _read_rows(
    path: str | os.PathLike[str],
) -> tuple[str, list[str], list[tuple[int, dict[str, str]]]]:
    """Read a units or lineage file into its header and numbered rows of stripped cells."""
    source = os.fspath(path)
    table = read_table(Path(path), source)
    if table.problems:
        _raise_all(source, table.problems)
    return source, table.header, list(table.text_rows())


def _raise_all(source: str, errors: list[InputError]) -> None:
    if errors:
        msg = f"{source}: {len(errors)} problems"
        raise InputErrors(msg, errors)


def load_units_csv(
    path: str | os.PathLike[str],
    *,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> tuple[AdminUnit, ...]:
    """Read administrative units from a CSV file.

    Two layouts are understood:

    * **flat**, one row per unit with ``code, name, level`` (or ``type``) and
      ``parent_code``, optionally ``valid_from``, ``valid_to`` and attribute
      columns (``region``, ``lat``, ``lon`` …), like the bundled Hà Tĩnh data;
    * **nested**, one row per commune-level unit with its district
      (``district_code, district_name, district_type``, optional) and province
      (``province_code, province_name``) spelled out, like the GSO-derived files
      ``units-2025-01.csv`` (with districts) and ``units-2025-07.csv`` (without).
      The district and province units are made from those columns.

    ``valid_from`` and ``valid_to`` apply to every unit when the file has no
    column of that name. Other non-empty columns become attributes.

    Note:
        A nested row with an empty ``code`` is a district with no commune-level
        unit (the island districts Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn and Côn
        Đảo in the 2025-01 national file): the district is kept, no commune is made.

    Raises:
        DataError: If the file is empty, not UTF-8, or lacks a required column.
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, one per bad
            row, with the file and row number.

    .. versionadded:: 0.1.0
    """
    source, header, rows = _read_rows(path)
    columns = set(header)
    missing = [c for c in ("code", "name") if c not in columns]
    if "level" not in columns and "type" not in columns:
        missing.append("level")
    nested = "province_code" in columns and "parent_code" not in columns
    if nested:
        missing.extend(c for c in ("province_name",) if c not in columns)
    if missing:
        msg = f"missing columns {', '.join(map(repr, missing))}; the header is {header}"
        raise DataError(msg, source=source)
    dates: dict[str, object] = {}
    if "valid_from" not in columns:
        dates["valid_from"] = valid_from
    if "valid_to" not in columns:
        dates["valid_to"] = valid_to
    if not nested:
        flat: list[AdminUnit] = []
        errors: list[InputError] = []
        for number, row in rows:
            try:
                flat.append(AdminUnit.from_mapping({**row, **dates}))
            except ValueError as exc:
                errors.append(InputError(str(exc), source=source, row=number))
        _raise_all(source, errors)
        return tuple(flat)
    return _nested_units(source, rows, dates)


def _nested_units(
    source: str, rows: list[tuple[int, dict[str, str]]], dates: Mapping[str, object]
) -> tuple[AdminUnit, ...]:
    """Units of a nested file: provinces, then districts, then communes."""
    parents: dict[str, AdminUnit] = {}
    communes: list[AdminUnit] = []
    errors: list[InputError] = []

    seen: dict[tuple[str, ...], AdminUnit] = {}

    def add_parent(unit: AdminUnit, number: int) -> None:
        known = parents.setdefault(unit.code, unit)
        if known != unit:
            errors.append(
                InputError(
                    f"unit {unit.code!r} is {unit.name!r} ({unit.level.value}) here but "
                    f"{known.name!r} ({known.level.value}) on an earlier row",
                    source=source,
                    row=number,
                    value=unit.code,
                )
            )

    for number, row in rows:
        try:
            province_code = row.get("province_code", "")
            province = {"code": province_code, "name": row.get("province_name", "")}
            province["level"] = "province"
            district_code = row.get("district_code", "")
            district = {
                "code": district_code,
                "name": row.get("district_name", ""),
                "level": row.get("district_type", ""),
                "parent_code": province_code,
            }
            for cells in (province, district) if district_code else (province,):
                # Each parent is spelled out on every row: parse each spelling once.
                key = tuple(cells.values())
                if key not in seen:
                    seen[key] = AdminUnit.from_mapping({**cells, **dates})
                    add_parent(seen[key], number)
            if not row.get("code"):
                continue  # a district with no commune-level unit (see the docstring)
            fields: dict[str, object] = {
                k: v for k, v in row.items() if k not in _NESTED_COLUMNS or k == "type"
            }
            fields["parent_code"] = district_code or province_code
            communes.append(AdminUnit.from_mapping({**fields, **dates}))
        except ValueError as exc:
            errors.append(InputError(str(exc), source=source, row=number))
    _raise_all(source, errors)
    ordered = sorted(parents.values(), key=lambda u: u.level.rank)
    return (*ordered, *communes)


def load_lineage_csv(
    path: str | os.PathLike[str], *, on: dt.date | None = None
) -> tuple[LineageLink, ...]:
    """Read lineage links from a CSV file with ``old_code, new_code, share, default[, on]``.

    ``on`` (the reform's first day) applies to rows without an ``on`` value.

    Raises:
        DataError: If the file is empty, not UTF-8, or lacks a required column.
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, one per bad row.

    .. versionadded:: 0.1.0
    """
    source, header, rows = _read_rows(path)
    missing = [c for c in ("old_code", "new_code", "share") if c not in header]
    if on is None and "on" not in header:
        missing.append("on")
    if missing:
        msg = f"missing columns {', '.join(map(repr, missing))}; the header is {header}"
        raise DataError(msg, source=source)
    links: list[LineageLink] = []
    errors: list[InputError] = []
    for number, row in rows:
        try:
            links.append(LineageLink.from_mapping(row, on=on))
        except ValueError as exc:
            errors.append(InputError(str(exc), source=source, row=number))
    _raise_all(source, errors)
    return tuple(links)
