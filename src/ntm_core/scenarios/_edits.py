"""Scenarios: immutable, composable edits to observations, validated whole before use.

An :class:`Edit` changes one indicator (or every indicator of one criterion)
for the rows of some units; a :class:`Scenario` is an ordered tuple of edits
plus threshold sheets layered onto the rules. Applying a scenario returns
new :class:`~ntm_core.engine.Observations`; the columns it does not touch are
shared, the ones it edits are rebuilt from the engine's scaled integers
(one array operation per edit, no per-value Python), exactly.

The edit grammar (one edit per string; blanks around the parts are ignored)::

    edit      := [ "criterion:" ] target [ "@" tier ] op value
    target    := indicator key (income_per_capita) | legal code (15.1) | criterion code
    op value  := "*" number        scale          income_per_capita*1.1
               | "+" number        shift          income_per_capita+2   (or "-2")
               | "=" number        set            15.1=95
               | "=" yes | no      set (yes/no)   commune_plan_approved=no
               | "=" met           meet exactly at the threshold
                                                  income_per_capita=met, criterion:10=met

``@tier`` (``standard``, ``advanced``, ``model``) says whose thresholds
``=met`` uses (default: the lowest rung of the ladder); only ``=met`` takes
it. Legal codes and criterion codes are those of the edition in force on the
date the scenario is applied; numbers are in the indicator's canonical unit
(the unit of ``ntm rules show``), written as :func:`~ntm_core._core.numbers.parse_number`
reads them (``1.1``, ``45,5`` is refused: use a point).

>>> import ntm_core.scenarios as sc
>>> s = sc.Scenario.parse(["income_per_capita*1.1", "15.1=95", "criterion:10@advanced=met"])
>>> [e.text for e in s.edits]
['income_per_capita*1.1', '15.1=95', 'criterion:10@advanced=met']
>>> s.edits[0].operation, s.edits[0].value
(<Operation.SCALE: 'scale'>, Fraction(11, 10))
>>> s
<Scenario edits=3 thresholds=0>

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import math
import pathlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.display import short_repr
from ntm_core._core.numbers import NumberError, parse_number
from ntm_core._core.vocabulary import RuleLevel, Tier
from ntm_core.admin import AdminSnapshot
from ntm_core.engine import Column, Ladder, Observations, selections
from ntm_core.exceptions import InputError, InputErrors, UnknownIndicatorError
from ntm_core.rules import Comparator, Indicator, IndicatorKind, Rulebook, RuleSet

__all__ = ["Edit", "Operation", "Scenario", "Units"]

Bools = npt.NDArray[np.bool_]
_LIMIT = 2**62  # the engine keeps scaled numerators inside ±2**62


class Operation(enum.Enum):
    """What an :class:`Edit` does to the values of its rows.

    .. versionadded:: 0.3.0
    """

    SCALE = "scale"
    """Multiply by a factor (``*1.1``); missing values stay missing."""
    SHIFT = "shift"
    """Add an amount (``+2``, ``-2``); missing values stay missing."""
    SET = "set"
    """Set a value (``=95``, ``=yes``); missing values become that value."""
    MEET = "meet"
    """Meet the threshold exactly (``=met``): failing or missing values are set to it."""


_YES = {"yes", "true", "đạt", "có"}
_NO = {"no", "false", "không đạt", "không"}

_GRAMMAR = re.compile(
    r"""^\s*(?P<criterion>criterion\s*:)?\s*(?P<target>[A-Za-z0-9_.]+)
    (?:\s*@\s*(?P<tier>[A-Za-z_]+))?\s*(?P<op>[*+=-])\s*(?P<value>.+?)\s*$""",
    re.VERBOSE,
)


def _codes(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value.strip()})
    return frozenset(str(v).strip() for v in value)


@attrs.frozen(kw_only=True)
class Units:
    """Which units an edit is limited to: codes, a district, a predicate (all must hold).

    Attributes:
        codes: Unit codes, or ``None`` for any.
        district: A district-level unit code: its communes (every unit below
            it in the administrative tree passed to :meth:`Scenario.apply`).
        where: A predicate on a row's ``code``, ``period`` and attributes (the
            data's, completed with the unit's attributes from the tree).

    >>> Units(codes=["18088", "18100"]).codes == frozenset({"18088", "18100"})
    True

    .. versionadded:: 0.3.0
    """

    codes: frozenset[str] | None = attrs.field(default=None, converter=_codes)
    district: str | None = None
    where: Callable[[Mapping[str, object]], bool] | None = attrs.field(default=None, eq=False)

    def rows(self, observations: Observations, tree: AdminSnapshot | None) -> Bools:
        """The rows of ``observations`` these units select.

        Raises:
            InputError: If ``district`` is given without a tree, or is not in it.
        """
        codes = np.asarray(observations.codes, dtype=object)
        keep = np.ones(len(observations), dtype=bool)
        if self.codes is not None:
            keep &= np.isin(codes, list(self.codes))
        if self.district is not None:
            if tree is None:
                msg = f"edits limited to district {self.district!r} need the administrative tree"
                raise InputError(msg, column="district", value=self.district)
            if self.district not in tree:
                msg = f"district {self.district!r} is not in the administrative tree on {tree.on}"
                raise InputError(msg, column="district", value=self.district)
            inside = [u.code for u in tree.descendants(self.district)]
            keep &= np.isin(codes, inside)
        if self.where is not None:
            keep &= np.asarray(
                [bool(self.where(_row_facts(observations, tree, i))) for i in range(len(codes))],
                dtype=bool,
            ).reshape(len(codes))
        return keep

    def describe(self) -> str:
        """A short text of the limit (``"units 18088, 18100"``, ``"district 436"``)."""
        parts = []
        if self.codes is not None:
            parts.append("units " + ", ".join(sorted(self.codes)))
        if self.district is not None:
            parts.append(f"district {self.district}")
        if self.where is not None:
            parts.append("a predicate")
        return "; ".join(parts) or "every unit"


def _row_facts(observations: Observations, tree: AdminSnapshot | None, row: int) -> dict[str, Any]:
    code = observations.codes[row]
    facts: dict[str, Any] = {"code": code, "period": observations.periods[row]}
    if tree is not None and code in tree:
        unit = tree[code]
        facts.update(unit.attributes)
        facts.update(name=unit.name, level=unit.level.value, parent_code=unit.parent_code)
    for name, values in observations.attributes.items():
        if values[row] is not None:
            facts[name] = values[row]
    return facts


def _tier(text: str | Tier | None) -> Tier | None:
    if text is None or isinstance(text, Tier):
        return text
    try:
        return Tier(text.strip().lower())
    except ValueError:
        known = ", ".join(t.value for t in Tier)
        msg = f"unknown tier {text!r}; expected one of {known}"
        raise InputError(msg, column="tier", value=text) from None


def _strip(value: str) -> str:
    return value.strip()


def _value(value: Fraction | bool | int | str | None) -> Fraction | bool | None:  # noqa: FBT001 - a converter
    if value is None or isinstance(value, bool | Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return parse_number(str(value))


@attrs.frozen(kw_only=True)
class Edit:
    """One change to observations: scale, shift or set an indicator, or meet a threshold.

    Build one with :meth:`parse` (the grammar of :mod:`ntm_core.scenarios`)
    or the constructors :meth:`scale`, :meth:`shift`, :meth:`set`,
    :meth:`meet` and :meth:`meet_criterion`.

    Attributes:
        operation: What the edit does.
        target: An indicator key or legal code, or (``criterion`` true) a criterion code.
        criterion: Whether ``target`` names a criterion (``MEET`` only).
        value: The factor, amount or value (``None`` for ``MEET``).
        tier: Whose thresholds ``MEET`` uses (default: the ladder's lowest rung).
        units: The units the edit is limited to (``None``: every unit of the level).
        text: The edit as written, for messages.

    >>> Edit.parse("income_per_capita+2").value
    Fraction(2, 1)
    >>> Edit.meet_criterion("10", tier="advanced").text
    'criterion:10@advanced=met'

    .. versionadded:: 0.3.0
    """

    operation: Operation
    target: str = attrs.field(converter=_strip)
    criterion: bool = False
    value: Fraction | bool | None = attrs.field(default=None, converter=_value)
    tier: Tier | None = attrs.field(default=None, converter=_tier)
    units: Units | None = None
    text: str = attrs.field(default="")

    def __attrs_post_init__(self) -> None:
        if not self.text:
            object.__setattr__(self, "text", self._render())

    def _render(self) -> str:
        prefix = "criterion:" if self.criterion else ""
        at = f"@{self.tier.value}" if self.tier is not None else ""
        if self.operation is Operation.MEET:
            return f"{prefix}{self.target}{at}=met"
        value = self.value
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        if self.operation is Operation.SCALE:
            return f"{self.target}*{shown}"
        if self.operation is Operation.SHIFT:
            return f"{self.target}{'' if shown.startswith('-') else '+'}{shown}"
        return f"{self.target}={shown}"

    @classmethod
    def parse(cls, text: str, *, units: Units | None = None) -> Edit:
        """Read one edit in the grammar of :mod:`ntm_core.scenarios`.

        Raises:
            InputError: If the text does not follow the grammar, naming it and
                what was expected.
        """
        match = _GRAMMAR.match(text)
        if match is None:
            msg = (
                f"cannot read edit {text!r}: expected KEY*FACTOR, KEY+AMOUNT, KEY-AMOUNT, "
                "KEY=VALUE, KEY=met or criterion:CODE=met"
            )
            raise InputError(msg, column="edit", value=text)
        op, raw, target = match["op"], match["value"], match["target"]
        is_criterion = match["criterion"] is not None
        tier = _tier(match["tier"])
        if op == "=" and raw.strip().lower() == "met":
            return cls(
                operation=Operation.MEET,
                target=target,
                criterion=is_criterion,
                tier=tier,
                units=units,
                text=text.strip(),
            )
        if is_criterion or tier is not None:
            msg = f"cannot read edit {text!r}: criterion: and @tier go with =met only"
            raise InputError(msg, column="edit", value=text)
        value: Fraction | bool
        if op == "=" and raw.strip().lower() in _YES | _NO:
            value = raw.strip().lower() in _YES
        else:
            try:
                value = parse_number(raw)
            except NumberError as err:
                msg = f"cannot read edit {text!r}: {raw!r} is not a number ({err})"
                raise InputError(msg, column="edit", value=text) from None
        if op == "-" and isinstance(value, Fraction):
            value = -value
        operation = {"*": Operation.SCALE, "+": Operation.SHIFT, "-": Operation.SHIFT}.get(
            op, Operation.SET
        )
        return cls(operation=operation, target=target, value=value, units=units, text=text.strip())

    @classmethod
    def scale(
        cls, indicator: str, factor: Fraction | int | str, *, units: Units | None = None
    ) -> Edit:
        """Multiply ``indicator`` by ``factor`` (``"1.1"`` is read exactly)."""
        return cls(operation=Operation.SCALE, target=indicator, value=factor, units=units)

    @classmethod
    def shift(
        cls, indicator: str, amount: Fraction | int | str, *, units: Units | None = None
    ) -> Edit:
        """Add ``amount`` to ``indicator`` (in its canonical unit)."""
        return cls(operation=Operation.SHIFT, target=indicator, value=amount, units=units)

    @classmethod
    def set(
        cls,
        indicator: str,
        value: Fraction | bool | int | str,  # noqa: FBT001 - a value, not a flag
        *,
        units: Units | None = None,
    ) -> Edit:
        """Set ``indicator`` to ``value`` (a number, or ``True``/``False`` for yes/no)."""
        return cls(operation=Operation.SET, target=indicator, value=value, units=units)

    @classmethod
    def meet(
        cls, indicator: str, *, tier: Tier | str | None = None, units: Units | None = None
    ) -> Edit:
        """Meet ``indicator``'s threshold exactly where it fails or is missing."""
        return cls(operation=Operation.MEET, target=indicator, tier=tier, units=units)

    @classmethod
    def meet_criterion(
        cls, code: str, *, tier: Tier | str | None = None, units: Units | None = None
    ) -> Edit:
        """Meet every indicator of criterion ``code`` exactly at its threshold."""
        return cls(operation=Operation.MEET, target=code, criterion=True, tier=tier, units=units)


def _edits(value: Iterable[Edit | str]) -> tuple[Edit, ...]:
    return tuple(v if isinstance(v, Edit) else Edit.parse(v) for v in value)


def _sheets(value: Iterable[str | pathlib.Path]) -> tuple[pathlib.Path, ...]:
    if isinstance(value, str | pathlib.Path):
        return (pathlib.Path(value),)
    return tuple(pathlib.Path(v) for v in value)


@attrs.frozen(kw_only=True)
class Scenario:
    """An ordered, immutable set of edits to observations, and threshold sheets for the rules.

    Edits apply in order (scaling then shifting differs from shifting then
    scaling); ``a + b`` is ``a``'s edits then ``b``'s, with both scenarios'
    threshold sheets. Nothing is changed in place: :meth:`apply` returns new
    observations, :meth:`rulebook` a new rulebook.

    Attributes:
        edits: The edits, in order (strings are parsed).
        thresholds: Filled threshold sheets layered onto the rules, in order
            (:meth:`~ntm_core.rules.Rulebook.with_thresholds`).
        name: A label for displays.

    .. versionadded:: 0.3.0
    """

    edits: tuple[Edit, ...] = attrs.field(default=(), converter=_edits)
    thresholds: tuple[pathlib.Path, ...] = attrs.field(default=(), converter=_sheets)
    name: str | None = None

    def __repr__(self) -> str:
        fields: list[tuple[str, object]] = []
        if self.name:
            fields.append(("name", repr(self.name)))
        fields += [("edits", len(self.edits)), ("thresholds", len(self.thresholds))]
        return short_repr("Scenario", *fields)

    def __add__(self, other: Scenario) -> Scenario:
        if not isinstance(other, Scenario):
            return NotImplemented
        return Scenario(
            edits=self.edits + other.edits,
            thresholds=self.thresholds + other.thresholds,
            name=self.name or other.name,
        )

    @classmethod
    def parse(
        cls, texts: Iterable[str], *, units: Units | None = None, name: str | None = None
    ) -> Scenario:
        """A scenario of edit strings, each limited to ``units``.

        Raises:
            ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, one
                per edit that cannot be read (all of them, not the first).
        """
        edits: list[Edit] = []
        problems: list[Exception] = []
        for text in texts:
            try:
                edits.append(Edit.parse(text, units=units))
            except InputError as err:
                problems.append(err)
        if problems:
            raise InputErrors("the scenario's edits cannot be read", problems)
        return cls(edits=edits, name=name)

    def with_edits(self, *edits: Edit | str) -> Scenario:
        """A new scenario with ``edits`` added after these."""
        return attrs.evolve(self, edits=self.edits + _edits(edits))

    def with_thresholds(self, sheet: str | pathlib.Path) -> Scenario:
        """A new scenario that also layers the threshold sheet ``sheet`` onto the rules."""
        return attrs.evolve(self, thresholds=(*self.thresholds, pathlib.Path(sheet)))

    def rulebook(self, base: Rulebook | None = None) -> Rulebook:
        """``base`` (the bundled rules by default) with the scenario's threshold sheets."""
        book = base if base is not None else Rulebook.bundled()
        for sheet in self.thresholds:
            book = book.with_thresholds(sheet)
        return book

    def validate(
        self,
        *,
        on: dt.date,
        rulebook: Rulebook | None = None,
        scope: str = "vn",
        level: RuleLevel = RuleLevel.COMMUNE,
    ) -> None:
        """Check every edit against the rules in force on ``on``, reporting all problems at once.

        ``rulebook`` is the rules *before* the scenario's threshold sheets.

        Raises:
            ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError` (an
                :class:`~ntm_core.exceptions.UnknownIndicatorError` for an
                unknown indicator, with a did-you-mean).
        """
        ladder = Ladder.for_level(self.rulebook(rulebook), level=level, on=on, scope=scope)
        _resolve_all(self.edits, ladder)

    def apply(
        self,
        observations: Observations,
        *,
        on: dt.date,
        rulebook: Rulebook | None = None,
        scope: str = "vn",
        tree: AdminSnapshot | None = None,
        level: RuleLevel = RuleLevel.COMMUNE,
    ) -> Observations:
        """New observations with every edit applied, in order; ``observations`` is unchanged.

        Edits change the rows of units graded at ``level`` (communes by
        default): a row counts when its unit in ``tree`` (or, without one, its
        ``level`` attribute) is of that level; rows with neither count.
        ``=met`` uses the thresholds of the rules in force on ``on`` (with the
        scenario's threshold sheets) for each row's period, region, group
        and commune kind; a row whose threshold is unknown is left as it is.

        Args:
            observations: The data to start from.
            on: The date whose rules resolve legal codes and thresholds.
            rulebook: The rules before the scenario's sheets (bundled by default).
            scope: Prefer this scope's rule sets (``"ha-tinh"`` adds criterion 20).
            tree: The administrative tree: unit levels and attributes, districts.
            level: The level whose units the edits change.

        Raises:
            ExceptionGroup: Of :class:`~ntm_core.exceptions.InputError`, every
                problem of every edit, before anything is applied.
        """
        ladder = Ladder.for_level(self.rulebook(rulebook), level=level, on=on, scope=scope)
        resolved = _resolve_all(self.edits, ladder)
        graded = _graded_rows(observations, tree, level)
        lookup = _with_tree_attributes(observations, tree)
        groups = selections(lookup)
        columns = dict(observations.columns)
        for edit, targets in resolved:
            rows = graded if edit.units is None else graded & edit.units.rows(lookup, tree)
            for rung, indicator in targets:
                current = columns.get(indicator.key)
                if edit.operation is Operation.MEET:
                    assert rung is not None  # noqa: S101 - MEET targets always name their rung
                    values = [ladder.thresholds(rung, s).get(indicator.key) for s in groups]
                    column = _meet(
                        indicator,
                        current,
                        rows,
                        [None if t is None else t.value for t in values],
                        len(observations),
                    )
                elif edit.operation is Operation.SET:
                    column = _set(indicator, current, rows, edit.value, len(observations))
                elif current is None:
                    continue  # nothing observed: nothing to scale or shift
                else:
                    assert isinstance(edit.value, Fraction)  # noqa: S101 - checked by _resolve
                    column = _arith(indicator, current, rows, edit.operation, edit.value)
                columns[indicator.key] = column
        return attrs.evolve(observations, columns=columns)


# -- validation


_Target = tuple[RuleSet | None, Indicator]


def _resolve_all(edits: Sequence[Edit], ladder: Ladder) -> list[tuple[Edit, list[_Target]]]:
    out: list[tuple[Edit, list[_Target]]] = []
    problems: list[Exception] = []
    for edit in edits:
        try:
            out.append((edit, _resolve(edit, ladder)))
        except InputError as err:
            problems.append(err)
    if problems:
        raise InputErrors("the scenario cannot be applied", problems)
    return out


def _rungs_up_to(edit: Edit, ladder: Ladder) -> tuple[RuleSet, ...]:
    if edit.tier is None:
        return ladder.rungs[:1]
    if edit.tier not in ladder.tiers:
        known = ", ".join(t.value for t in ladder.tiers)
        msg = (
            f"edit {edit.text!r}: tier {edit.tier.value!r} is not on the "
            f"{ladder.level.value} ladder on {ladder.on} ({known})"
        )
        raise InputError(msg, column="edit", value=edit.text)
    return ladder.rungs[: ladder.tiers.index(edit.tier) + 1]


def _resolve(edit: Edit, ladder: Ladder) -> list[_Target]:
    """The (rung, indicator) pairs an edit changes, after checking it fits them."""
    rungs = _rungs_up_to(edit, ladder)
    if edit.criterion:
        targets: list[_Target] = []
        for rung in rungs:
            try:
                criterion = rung.criterion(edit.target)
            except KeyError:
                continue
            targets.extend((rung, i) for i in criterion.indicators)
        if not targets:
            codes = [c.code for c in ladder.rungs[0].criteria]
            close = difflib.get_close_matches(edit.target, codes, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = (
                f"edit {edit.text!r}: no criterion {edit.target!r} in "
                f"{', '.join(r.id for r in rungs)}{hint}"
            )
            raise InputError(msg, column="edit", value=edit.text)
        return targets
    indicator = _indicator(edit, ladder)
    _check_value(edit, indicator)
    if edit.operation is not Operation.MEET:
        return [(None, indicator)]
    found: list[_Target] = [(rung, indicator) for rung in rungs if _has(rung, indicator.key)]
    if not found:
        editions = ", ".join(r.id for r in rungs)
        msg = f"edit {edit.text!r}: {indicator.key!r} is not an indicator of {editions}"
        raise InputError(msg, column="edit", value=edit.text)
    return found


def _has(rung: RuleSet, key: str) -> bool:
    return any(i.key == key for _, i in rung.indicators())


def _indicator(edit: Edit, ladder: Ladder) -> Indicator:
    """The indicator a key or legal code names: the lowest rung's codes first."""
    catalog = ladder.catalog()
    for rung in ladder.rungs:
        try:
            return rung.indicator(edit.target)
        except KeyError:
            continue
    found = catalog.resolve(edit.target)
    if found is not None:
        return found
    close = catalog.suggest(edit.target)
    hint = f" (did you mean {close!r}?)" if close else ""
    msg = (
        f"edit {edit.text!r}: unknown indicator {edit.target!r}; not a key or legal code "
        f"of {', '.join(ladder.ids)}{hint}"
    )
    raise UnknownIndicatorError(msg, column="edit", value=edit.target)


def _check_value(edit: Edit, indicator: Indicator) -> None:
    boolean = indicator.kind is IndicatorKind.BOOLEAN
    problem = None
    if edit.operation in {Operation.SCALE, Operation.SHIFT} and boolean:
        problem = (
            f"{indicator.key!r} is yes/no: it can be set (=yes, =no) or met, not scaled or shifted"
        )
    elif edit.operation is Operation.SET and boolean and not isinstance(edit.value, bool):
        problem = f"{indicator.key!r} is yes/no: set it to yes or no"
    elif edit.operation is Operation.SET and not boolean and isinstance(edit.value, bool):
        problem = f"{indicator.key!r} is a number ({indicator.unit}): set it to a number"
    elif edit.operation is Operation.SCALE and isinstance(edit.value, Fraction) and edit.value < 0:
        problem = "a scale factor must not be negative"
    elif (
        edit.operation is Operation.SET
        and indicator.kind is IndicatorKind.RATIO
        and isinstance(edit.value, Fraction)
        and not 0 <= edit.value <= 100
    ):
        problem = f"{indicator.key!r} is a percentage: expected a value from 0 to 100"
    if problem is not None:
        msg = f"edit {edit.text!r}: {problem}"
        raise InputError(msg, column="edit", value=edit.text)


# -- rows and attributes


def _graded_rows(observations: Observations, tree: AdminSnapshot | None, level: RuleLevel) -> Bools:
    """Rows whose unit is graded at ``level``: by the tree, else by the ``level`` attribute."""
    from ntm_core.admin import AdminLevel

    levels = observations.attributes.get("level", (None,) * len(observations))
    out = np.ones(len(observations), dtype=bool)
    for row, (code, text) in enumerate(zip(observations.codes, levels, strict=True)):
        graded: RuleLevel | None
        if tree is not None and code in tree:
            graded = tree[code].level.rule_level
        elif text is not None:
            try:
                graded = AdminLevel.from_text(text).rule_level
            except ValueError:
                try:
                    graded = RuleLevel.from_text(text)
                except ValueError:
                    graded = None
        else:
            continue
        out[row] = graded is level
    return out


def _with_tree_attributes(observations: Observations, tree: AdminSnapshot | None) -> Observations:
    """The observations with region, group and commune kind filled from the tree where missing."""
    if tree is None:
        return observations
    attributes = {k: list(v) for k, v in observations.attributes.items()}
    for name in ("region", "group", "commune_kind"):
        values = attributes.setdefault(name, [None] * len(observations))
        for row, code in enumerate(observations.codes):
            if values[row] is None and code in tree:
                values[row] = tree[code].attributes.get(name)
    return attrs.evolve(observations, attributes=attributes)


# -- column arithmetic (exact, on the engine's scaled integers)


def _fits(*magnitudes: int) -> bool:
    return math.prod(max(abs(m), 1) for m in magnitudes) < _LIMIT


def _magnitude(values: npt.NDArray[Any]) -> int:
    if not len(values):
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def _from_fractions(
    key: str, kind: IndicatorKind, values: Sequence[Fraction | bool | None]
) -> Column:
    """The exact fallback: a column of per-row fractions (rare: huge numbers or denominators)."""
    return Column.from_values(key, kind, values)


def _fractions(column: Column) -> list[Fraction | bool | None]:
    return [column.value(i) for i in range(len(column))]


def _clip(kind: IndicatorKind, scaled: npt.NDArray[np.int64], scale: int) -> npt.NDArray[np.int64]:
    """Percentages stay within 0–100: a share cannot pass all of its units."""
    if kind is IndicatorKind.RATIO:
        return np.clip(scaled, 0, 100 * scale)
    return scaled


def _arith(
    indicator: Indicator, column: Column, rows: Bools, operation: Operation, value: Fraction
) -> Column:
    """Scale or shift the present values of ``rows``."""
    key, kind = indicator.key, column.kind
    p, q = value.numerator, value.denominator
    if column.scaled is not None:
        scaled = column.scaled.astype(np.int64)
        s = column.scale
        big = _magnitude(scaled)
        if operation is Operation.SCALE and _fits(big, max(abs(p), q)) and _fits(s, q):
            out = np.where(rows, scaled * p, scaled * q)
            return Column.from_scaled(
                key, kind, _clip(kind, out, s * q), scale=s * q, present=column.present
            )
        if operation is Operation.SHIFT:
            new_scale = s * q // math.gcd(s, q)
            up = new_scale // s
            if _fits(big + abs(p) * (new_scale // q) + 1, up) and new_scale < _LIMIT:
                out = scaled * up + np.where(rows & column.present, p * (new_scale // q), 0)
                return Column.from_scaled(
                    key, kind, _clip(kind, out, new_scale), scale=new_scale, present=column.present
                )
    values = _fractions(column)
    for row in np.flatnonzero(rows & column.present).tolist():
        old = values[row]
        assert isinstance(old, Fraction)  # noqa: S101 - numbers only (checked by _resolve)
        new = old * value if operation is Operation.SCALE else old + value
        if kind is IndicatorKind.RATIO:
            new = min(max(new, Fraction(0)), Fraction(100))
        values[row] = new
    return _from_fractions(key, kind, values)


def _set(
    indicator: Indicator,
    column: Column | None,
    rows: Bools,
    value: Fraction | bool | None,  # noqa: FBT001 - a value, not a flag
    n: int,
) -> Column:
    return _put(indicator, column, rows, [value] * n, n)


def _put(
    indicator: Indicator,
    column: Column | None,
    rows: Bools,
    values: Sequence[Fraction | bool | None],
    n: int,
) -> Column:
    """``column`` with ``values[row]`` put in each row of ``rows`` (``None``: keep the row)."""
    key, kind = indicator.key, indicator.kind if column is None else column.kind
    given = np.asarray([v is not None for v in values], dtype=bool).reshape(n) & rows
    present = given if column is None else column.present | given
    if kind is IndicatorKind.BOOLEAN:
        new = np.asarray([bool(v) for v in values], dtype=bool).reshape(n)
        old = np.zeros(n, dtype=bool) if column is None or column.scaled is None else column.scaled
        return Column.from_scaled(key, kind, np.where(given, new, old), scale=1, present=present)
    dens = {
        v.denominator
        for v, g in zip(values, given.tolist(), strict=True)
        if g and isinstance(v, Fraction)
    }
    s = 1 if column is None or column.scaled is None else column.scale
    new_scale = s
    for d in dens:
        new_scale = new_scale * d // math.gcd(new_scale, d)
    if (column is None or column.scaled is not None) and new_scale < _LIMIT:
        old = (
            np.zeros(n, dtype=np.int64)
            if column is None or column.scaled is None
            else column.scaled.astype(np.int64)
        )
        tops = [
            v.numerator * (new_scale // v.denominator) if g and isinstance(v, Fraction) else 0
            for v, g in zip(values, given.tolist(), strict=True)
        ]
        up = new_scale // s
        if all(abs(t) < _LIMIT for t in tops) and _fits(_magnitude(old), up):
            new = np.asarray(tops, dtype=np.int64).reshape(n)
            return Column.from_scaled(
                key, kind, np.where(given, new, old * up), scale=new_scale, present=present
            )
    current = _fractions(column) if column is not None else [None] * n
    merged = [v if g else c for v, c, g in zip(values, current, given.tolist(), strict=True)]
    return _from_fractions(key, kind, merged)


def _meet(
    indicator: Indicator,
    column: Column | None,
    rows: Bools,
    thresholds: Sequence[Fraction | bool | None],
    n: int,
) -> Column:
    """Failing or missing values of ``rows`` set exactly at their threshold.

    For ``>``/``<`` the threshold itself fails, so the value is one step of
    the column's precision past it (the least exact value that passes).
    """
    comparator = indicator.comparator
    targets: list[Fraction | bool | None] = []
    for row in range(n):
        threshold = thresholds[row]
        if not rows[row] or threshold is None:
            targets.append(None)
            continue
        observed = column.value(row) if column is not None else None
        if observed is not None and comparator.holds(observed, threshold):
            targets.append(None)  # already met: left as it is
            continue
        targets.append(_at(comparator, threshold, column))
    return _put(indicator, column, rows, targets, n)


def _at(
    comparator: Comparator,
    threshold: Fraction | bool,  # noqa: FBT001 - a value, not a flag
    column: Column | None,
) -> Fraction | bool:
    if isinstance(threshold, bool) or comparator in {Comparator.GE, Comparator.LE, Comparator.EQ}:
        return threshold
    scale = column.scale if column is not None and column.scaled is not None else 1
    step = Fraction(1, scale * threshold.denominator // math.gcd(scale, threshold.denominator))
    return threshold + step if comparator is Comparator.GT else threshold - step
