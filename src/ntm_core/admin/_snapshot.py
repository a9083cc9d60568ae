"""The administrative tree on one day, and its indexes for walking and rolling up the tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.display import html_table
from ntm_core._core.optional import require
from ntm_core.admin._convert import as_date, check_types
from ntm_core.admin._layout import Layout, checked_layout
from ntm_core.admin._level import AdminLevel
from ntm_core.admin._unit import AdminUnit, UnknownUnitError, unit_tuple

__all__ = ["AdminSnapshot"]


_HTML_ROWS = 20


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
    check_types(levels, AdminLevel, "level")
    return levels


def _preview(codes: Sequence[str], limit: int = 10) -> str:
    """The first codes of a list, quoted, and how many more there are."""
    shown = ", ".join(repr(code) for code in codes[:limit])
    more = len(codes) - limit
    return f"{shown} and {more} more" if more > 0 else shown


_RANK_LABELS = {0: "province-level", 1: "district-level", 2: "commune-level", 3: "residential-area"}


@attrs.frozen(kw_only=True, repr=False)
class AdminSnapshot(Mapping[str, AdminUnit]):
    """The administrative tree on one day; get one from :meth:`AdminTree.as_of`.

    A read-only mapping from code to :class:`AdminUnit`, iterated in a stable
    order (by depth, then code): the order of :attr:`codes` and of the rows of
    :attr:`parent_index`.

    It is also the index of the tree that roll-ups and reports walk, so that
    nobody keeps a second copy of it. Walking by code: :meth:`parent`,
    :meth:`children`, :meth:`descendants`, :meth:`ancestors` and
    :meth:`ancestor` (the nearest one at a level). Arrays for
    :func:`numpy.bincount` roll-ups, by position in :attr:`codes`:
    :attr:`parent_index`, :meth:`ancestor_index`, :meth:`index_of` and
    :meth:`rollup_index`. Every array it gives out is read-only.

    >>> import datetime as dt
    >>> import numpy as np
    >>> def unit(code, level, parent=None):
    ...     return AdminUnit(code=code, name=f"Unit {code}", level=AdminLevel(level),
    ...                      parent_code=parent)
    >>> day = AdminSnapshot(on=dt.date(2024, 6, 1), units=[
    ...     unit("42", "province"), unit("1", "district", "42"), unit("2", "town", "42"),
    ...     unit("11", "commune", "1"), unit("12", "commune", "1"), unit("21", "ward", "2"),
    ... ])
    >>> day.codes
    ('42', '1', '2', '11', '12', '21')
    >>> [u.code for u in day.children("1")], [u.code for u in day.ancestors("21")]
    (['11', '12'], ['2', '42'])
    >>> [u.code for u in day.descendants("42", level=AdminLevel.of_rank(2))]
    ['11', '12', '21']
    >>> day.ancestor("12", level=AdminLevel.of_rank(1)).code
    '1'
    >>> communes = ["11", "12", "21"]
    >>> district_of = day.rollup_index(communes, into=["1", "2"])
    >>> district_of.tolist(), np.bincount(district_of, minlength=2).tolist()
    ([0, 0, 1], [2, 1])

    Attributes:
        on: The day.

    .. versionadded:: 0.1.0
    """

    on: dt.date = attrs.field(converter=as_date)
    _units: tuple[AdminUnit, ...] = attrs.field(alias="units", converter=unit_tuple)
    _layout: Layout = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        layout = checked_layout(self._units, self.on)
        object.__setattr__(self, "_layout", layout)
        # Keep the units in the layout's order, so equal snapshots compare equal.
        object.__setattr__(self, "_units", layout.units)

    def __reduce__(self) -> tuple[object, ...]:
        # The layout holds read-only mappings, which do not pickle: rebuild it.
        return (_rebuild_snapshot, (self.on, self._units))

    @classmethod
    def _from_layout(cls, on: dt.date, layout: Layout) -> AdminSnapshot:
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

    def _repr_html_(self) -> str:
        """Counts per level and the first units."""
        counts: dict[str, int] = {}
        for unit in self._units:
            counts[unit.level.value] = counts.get(unit.level.value, 0) + 1
        summary = html_table(["level", "units"], counts.items(), caption=repr(self))
        units = html_table(
            ["code", "name", "level", "parent"],
            ([u.code, u.name, u.level.value, u.parent_code] for u in self._units),
            limit=_HTML_ROWS,
        )
        return summary + units

    def to_frame(self) -> Any:  # noqa: ANN401 - a pandas DataFrame; pandas is optional
        """One row per unit, as a pandas DataFrame.

        Columns: ``code``, ``name``, ``level``, ``parent_code``, ``valid_from``,
        ``valid_to`` (exclusive; empty when open), then one column per unit
        attribute any unit has (``region``, ``group``…), empty where a unit lacks it.

        Raises:
            MissingDependencyError: pandas is not installed (``pip install 'ntm-core[pandas]'``).

        .. versionadded:: 0.3.0
        """
        pd = require("pandas", feature="AdminSnapshot.to_frame()")
        extra = sorted({k for u in self._units for k in u.attributes})
        rows = [
            [
                u.code,
                u.name,
                u.level.value,
                u.parent_code,
                u.valid_from,
                u.valid_to,
                *(u.attributes.get(k) for k in extra),
            ]
            for u in self._units
        ]
        columns = ["code", "name", "level", "parent_code", "valid_from", "valid_to", *extra]
        return pd.DataFrame(rows, columns=columns)

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

    def ancestor(self, code: str, *, level: AdminLevel | Iterable[AdminLevel]) -> AdminUnit | None:
        """The nearest unit above ``code`` whose level is ``level``, or ``None`` if none is.

        ``level`` is a level or a set of levels: ``AdminLevel.of_rank(1)`` finds
        the district, town or provincial city a commune belongs to. The unit
        itself is never its own ancestor (unlike in :meth:`ancestor_index`).

        Raises:
            UnknownUnitError: If there is no unit ``code`` on the day.

        .. versionadded:: 0.1.0
        """
        levels = _level_set(level) or frozenset()
        for unit in self.ancestors(code):
            if unit.level in levels:
                return unit
        return None

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
        """The positions of ``codes`` in the snapshot's order, as a read-only integer array.

        Raises:
            UnknownUnitError: If some codes are not units on the day (all are listed).
        """
        wanted = [codes] if isinstance(codes, str) else list(codes)
        index = self._layout.index
        try:
            found = np.fromiter((index[c] for c in wanted), dtype=np.intp, count=len(wanted))
        except KeyError:
            missing = [c for c in wanted if c not in index]
            msg = (
                f"{len(missing)} codes are not units on {self.on.isoformat()}: {_preview(missing)}"
            )
            raise UnknownUnitError(msg, column="code", value=tuple(missing)) from None
        return _read_only(found)

    def ancestor_index(self, *, level: AdminLevel | Iterable[AdminLevel]) -> npt.NDArray[np.intp]:
        """For each unit, the index of itself or its nearest ancestor at ``level``, or -1.

        ``level`` is a level or a set of levels, e.g. ``AdminLevel.of_rank(1)``
        for the district level. Roll communes up to their province with
        ``np.bincount(snapshot.ancestor_index(level=AdminLevel.PROVINCE)[i], ...)``.
        The array is read-only.
        """
        levels = _level_set(level) or frozenset()
        mask = np.fromiter((u.level in levels for u in self._units), dtype=bool, count=len(self))
        return _read_only(self._climb(mask, np.arange(len(self), dtype=np.intp)))

    def rollup_index(
        self, codes: str | Iterable[str], *, into: Iterable[str]
    ) -> npt.NDArray[np.intp]:
        """For each of ``codes``, the position in ``into`` of its nearest ancestor there, or -1.

        This is the index a roll-up of values held in the order of ``codes``
        into units held in the order of ``into`` needs:
        ``np.bincount(snapshot.rollup_index(communes, into=districts), weights=v,
        minlength=len(districts))``. A unit is never its own ancestor; ``-1``
        marks a unit with no ancestor in ``into`` (``np.bincount`` needs those
        left out). The array is read-only.

        Raises:
            UnknownUnitError: If some of ``codes`` or ``into`` are not units on the
                day (all are listed).

        .. versionadded:: 0.1.0
        """
        targets = self.index_of(into)
        slot = np.full(len(self), -1, dtype=np.intp)
        slot[targets] = np.arange(len(targets), dtype=np.intp)
        start = self._layout.parent_index[self.index_of(codes)]
        found = self._climb(slot >= 0, start)
        return _read_only(np.where(found >= 0, slot[np.maximum(found, 0)], -1))

    def _climb(
        self, mask: npt.NDArray[np.bool_], start: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.intp]:
        """From each position in ``start`` (or -1): the first one upwards in ``mask``, or -1."""
        parents = self._layout.parent_index
        current = start.copy()
        found = np.where((current >= 0) & mask[np.maximum(current, 0)], current, -1)
        # The tree is shallow (at most four levels): one vector step per level.
        while True:
            climbing = (found < 0) & (current >= 0)
            if not climbing.any():
                return found
            current = np.where(climbing, parents[np.maximum(current, 0)], -1)
            hit = climbing & (current >= 0) & mask[np.maximum(current, 0)]
            found = np.where(hit, current, found)


def _read_only(array: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """The array, marked read-only: the indexes a snapshot gives out cannot be written into."""
    array.flags.writeable = False
    return array


def _rebuild_snapshot(on: dt.date, units: tuple[AdminUnit, ...]) -> AdminSnapshot:
    """Rebuild an :class:`AdminSnapshot` when unpickling."""
    return AdminSnapshot(on=on, units=units)
