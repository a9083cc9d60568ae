"""The lineage of reforms: which old units each new unit was made of, and carried results."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Generic, NamedTuple, TypeVar

import attrs

from ntm_core._core.text import parse_member
from ntm_core._core.vocabulary import RuleLevel, Tier
from ntm_core.admin._convert import as_date, flag, nonempty, parse_date, strip

__all__ = ["CarriedResult", "LineageLink", "LineageShare", "count_reached"]

T = TypeVar("T")


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

    old_code: str = attrs.field(converter=strip, validator=nonempty)
    new_code: str = attrs.field(converter=strip, validator=nonempty)
    share: LineageShare = attrs.field(
        default=LineageShare.WHOLE, validator=attrs.validators.instance_of(LineageShare)
    )
    default: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    on: dt.date = attrs.field(converter=as_date)

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
        when = parse_date(row.get("on"), "on") or on
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
            default = flag(default_text, "default")
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
