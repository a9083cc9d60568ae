"""The units of one day laid out in a stable order, indexed, and checked for consistency.

Both :class:`~ntm_core.admin.AdminSnapshot` (one day) and
:class:`~ntm_core.admin.AdminTree` (every day between two changes) build their
indexes here, and describe the problems they find in the same words.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core.admin._convert import DAY
from ntm_core.admin._unit import AdminUnit
from ntm_core.exceptions import InputError, InputErrors


def span_text(start: dt.date | None, end: dt.date | None) -> str:
    """Render a half-open interval as inclusive dates, e.g. ``2020-01-01 – 2024-12-31``."""
    first = "…" if start is None or start == dt.date.min else start.isoformat()
    last = "…" if end is None else (end - DAY).isoformat()
    return f"{first} – {last}"


class Problem(NamedTuple):
    """A structural problem found while laying out the units of one day."""

    kind: str  # "duplicate", "parent" or "cycle"
    units: tuple[AdminUnit, ...]


@attrs.frozen(eq=False, repr=False)
class Layout:
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


def build_layout(units: Iterable[AdminUnit]) -> tuple[Layout, list[Problem]]:
    """Order the units of one day and index them; report what is inconsistent."""
    ordered = tuple(sorted(units, key=_sort_key))
    problems: list[Problem] = []
    index: dict[str, int] = {}
    for i, unit in enumerate(ordered):
        if unit.code in index:
            problems.append(Problem("duplicate", (ordered[index[unit.code]], unit)))
        else:
            index[unit.code] = i
    parents = [-1] * len(ordered)
    for i, unit in enumerate(ordered):
        if unit.parent_code is None:
            continue
        j = index.get(unit.parent_code)
        if j is None:
            problems.append(Problem("parent", (unit,)))
        else:
            parents[i] = j
    for cycle in _find_cycles(parents):
        problems.append(Problem("cycle", tuple(ordered[k] for k in cycle)))
        # Cut the cycle so that walking up or down the tree terminates.
        parents[cycle[0]] = -1
    children: list[list[int]] = [[] for _ in ordered]
    for i, parent in enumerate(parents):
        if parent >= 0:
            children[parent].append(i)
    parent_index = np.asarray(parents, dtype=np.intp)
    parent_index.flags.writeable = False
    layout = Layout(
        units=ordered,
        index=types.MappingProxyType(index),
        parent_index=parent_index,
        children=tuple(tuple(c) for c in children),
    )
    return layout, problems


def describe(unit: AdminUnit) -> str:
    return f"unit {unit.code!r} ({unit.name}, {span_text(unit.valid_from, unit.valid_to)})"


def cycle_text(units: Sequence[AdminUnit]) -> str:
    return " → ".join(repr(u.code) for u in (*units, units[0]))


def checked_layout(units: tuple[AdminUnit, ...], on: dt.date) -> Layout:
    """Lay out a day's units, or raise every problem found in one group."""
    layout, problems = build_layout(units)
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
                    f"{describe(first)}: parent {first.parent_code!r} is not among the units",
                    column="parent_code",
                    value=first.parent_code,
                )
            )
        else:
            errors.append(
                InputError(f"cycle of parents: {cycle_text(problem.units)}", column="parent_code")
            )
    if errors:
        msg = f"inconsistent administrative units on {on.isoformat()} ({len(errors)} problems)"
        raise InputErrors(msg, errors)
    return layout
