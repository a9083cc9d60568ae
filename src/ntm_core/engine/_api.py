"""The engine's entry points: assess many units at once, or explain one."""

from __future__ import annotations

import datetime as dt

from ntm_core._core.vocabulary import RuleLevel
from ntm_core.admin import AdminLevel
from ntm_core.engine._assessment import Assessment
from ntm_core.engine._batch import BatchResult, evaluate_batch
from ntm_core.engine._ladder import Ladder, selection_of, selections
from ntm_core.engine._observations import Observations
from ntm_core.engine._scalar import assess_row
from ntm_core.exceptions import InputError, InputErrors
from ntm_core.rules._rulebook import Rulebook

__all__ = ["assess", "explain", "of_level"]


def assess(
    observations: Observations,
    *,
    on: dt.date | str,
    level: RuleLevel | str = RuleLevel.COMMUNE,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
) -> BatchResult:
    """Decide the tier of every row of ``observations`` under the rules in force on ``on``.

    Each row is assessed with the thresholds of its own period (assessment
    year), region, commune group and commune kind. Rows whose ``level``
    attribute is not graded at ``level`` (wards, townships) are left out. This is the batch path;
    call :meth:`BatchResult.explain` for the full explanation of a unit.

    Args:
        observations: Indicator values per unit and period.
        on: The date whose rule editions apply.
        level: The level graded (commune by default).
        rulebook: The rules; the bundled rulebook by default.
        scope: Prefer this scope's rule sets (``"ha-tinh"`` adds criterion 20).

    Raises:
        RuleNotInForceError: If no edition of the level's lowest rung is in force.
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError` when a
            unit's region or group cannot be read.

    .. versionadded:: 0.1.0
    """
    book = rulebook if rulebook is not None else Rulebook.bundled()
    ladder = Ladder.for_level(book, level=level, on=on, scope=scope)
    rows = of_level(observations, ladder.level)
    return evaluate_batch(ladder, rows, selections(rows), rules_hash=book.content_hash(ladder.ids))


def explain(
    observations: Observations,
    unit: str,
    *,
    on: dt.date | str,
    period: int | None = None,
    level: RuleLevel | str = RuleLevel.COMMUNE,
    rulebook: Rulebook | None = None,
    scope: str = "vn",
) -> Assessment:
    """The full, explained assessment of one unit (the scalar path).

    Raises:
        UnknownUnitError: If ``unit`` has no observations (in ``period``); it is a
            :class:`KeyError` too.
        InputError: If an argument is not what is expected (named in the message).
        RuleNotInForceError: If no edition of the level's lowest rung is in force.

    .. versionadded:: 0.1.0
    """
    book = rulebook if rulebook is not None else Rulebook.bundled()
    ladder = Ladder.for_level(book, level=level, on=on, scope=scope)
    row = observations.row_of(unit, period)
    selection = selection_of(observations, row)
    return assess_row(
        ladder, observations, row, selection, rules_hash=book.content_hash(ladder.ids)
    )


def of_level(observations: Observations, level: RuleLevel) -> Observations:
    """The rows whose ``level`` attribute, when given, is graded at ``level``.

    Wards and townships are not graded by the commune criteria: a file that
    lists them beside communes is assessed for its communes only. Rows
    without a level are kept.

    Raises:
        ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, one per
            level that cannot be read.

    .. versionadded:: 0.1.0
    """
    source = observations.source
    levels = observations.attributes.get("level")
    if levels is None:
        return observations
    keep = []
    problems: list[Exception] = []
    for row, text in enumerate(levels):
        if text is None:
            keep.append(row)
            continue
        try:
            graded = AdminLevel.from_text(text).rule_level
        except ValueError:
            try:
                graded = RuleLevel.from_text(text)
            except ValueError as err:
                unit = observations.codes[row]
                problems.append(
                    InputError(f"unit {unit!r}: {err}", source=source, column="level", value=text)
                )
                continue
        if graded is level:
            keep.append(row)
    if problems:
        raise InputErrors(f"{source}: unknown levels", problems)
    return observations if len(keep) == len(observations) else observations.select(keep)
