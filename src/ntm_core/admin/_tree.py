"""The dated administrative tree: every version of every unit, and the lineage of reforms."""

from __future__ import annotations

import bisect
import datetime as dt
import types
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import attrs
import numpy as np

from ntm_core.admin._convert import DAY, as_date, check_types
from ntm_core.admin._layout import Layout, Problem, build_layout, cycle_text, describe, span_text
from ntm_core.admin._lineage import CarriedResult, LineageLink, LineageShare
from ntm_core.admin._snapshot import AdminSnapshot, _rebuild_snapshot
from ntm_core.admin._unit import AdminUnit, _rebuild_unit, unit_tuple
from ntm_core.exceptions import InputError, InputErrors

__all__ = ["AdminTree"]

# Pickles made before the package was split name ``ntm_core.admin._tree._rebuild_unit``
# and ``._rebuild_snapshot``: keep both importable here.
_PICKLE_ALIASES = (_rebuild_unit, _rebuild_snapshot)

T = TypeVar("T")


def _link_tuple(value: Iterable[LineageLink]) -> tuple[LineageLink, ...]:
    links = tuple(value)
    check_types(links, LineageLink, "lineage")
    return links


# ---------------------------------------------------------------- the dated tree


@attrs.frozen(eq=False, repr=False)
class _TreeIndex:
    """What the tree works out once, at construction."""

    boundaries: tuple[dt.date, ...]
    layouts: tuple[Layout, ...]
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

    units: tuple[AdminUnit, ...] = attrs.field(converter=unit_tuple)
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
            InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per
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
        layouts: list[Layout] = []
        # Problems that last over several segments are reported once, with their span.
        spans: dict[tuple[str, tuple[str, ...]], list[tuple[dt.date, dt.date | None]]] = {}
        first_seen: dict[tuple[str, tuple[str, ...]], Problem] = {}
        for start, end in zip(starts, ends, strict=True):
            layout, problems = build_layout(u for u in self.units if u.exists_on(start))
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
            when = "; ".join(span_text(a, b) for a, b in spans[key])
            if problem.kind == "parent":
                unit = problem.units[0]
                where = (
                    f"does not exist on {when}" if unit.parent_code in known else "is not a unit"
                )
                errors.append(
                    InputError(
                        f"{describe(unit)}: parent {unit.parent_code!r} {where}",
                        column="parent_code",
                        value=unit.parent_code,
                    )
                )
            else:
                errors.append(
                    InputError(
                        f"cycle of parents on {when}: {cycle_text(problem.units)}",
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

        def layout_on(day: dt.date) -> Layout:
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
                            f"({span_text(first.valid_from, first.valid_to)}) and {second.name!r} "
                            f"({span_text(second.valid_from, second.valid_to)})",
                            column="code",
                            value=code,
                        )
                    )
        return errors

    @staticmethod
    def _lineage_problems(
        out_links: Mapping[tuple[dt.date, str], list[LineageLink]],
        layout_on: Callable[[dt.date], Layout],
    ) -> list[InputError]:
        errors: list[InputError] = []
        for (on, old_code), links in out_links.items():
            day = on.isoformat()
            if old_code not in layout_on(on - DAY).index:
                errors.append(
                    InputError(
                        f"lineage of {day}: old unit {old_code!r} does not exist on "
                        f"{(on - DAY).isoformat()}",
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
        day = as_date(on)
        cache = self._index.snapshots
        snapshot = cache.get(day)
        if snapshot is None:
            layout = self._index.layouts[bisect.bisect_right(self._index.boundaries, day)]
            snapshot = AdminSnapshot._from_layout(day, layout)
            cache[day] = snapshot
        return snapshot

    # -- lineage

    def _require_lineage(self, on: object) -> dt.date:
        day = as_date(on)
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
        self.as_of(day - DAY)._position(code)
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
        continued = (day, code) not in self._index.out_links and code in self.as_of(day - DAY)
        if continued:
            links.append(LineageLink(old_code=code, new_code=code, on=day))
        before = self.as_of(day - DAY)
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
        before = self.as_of(day - DAY)
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


def _rebuild_tree(units: tuple[AdminUnit, ...], lineage: tuple[LineageLink, ...]) -> AdminTree:
    """Rebuild an :class:`AdminTree` when unpickling."""
    return AdminTree(units=units, lineage=lineage)
