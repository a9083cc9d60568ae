"""The declarative condition tree of a criterion.

A criterion is met when its condition is: by default all of its indicators,
otherwise a small tree of :class:`AllOf`, :class:`AnyOf`, :class:`AtLeast`,
:class:`Not` and :class:`When` nodes over indicator keys (:class:`Check`).
Rule authors write the tree in TOML; both evaluators read the same tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs

from ntm_core._core.vocabulary import Outcome

__all__ = ["AllOf", "AnyOf", "AtLeast", "Check", "Condition", "Not", "When"]


def _tuple_of_conditions(value: Iterable[Condition]) -> tuple[Condition, ...]:
    """Freeze a sequence of child conditions."""
    return tuple(value)


@attrs.frozen(kw_only=True)
class Check:
    """A leaf: the indicator named ``key`` meets its threshold.

    .. versionadded:: 0.1.0
    """

    key: str

    def evaluate(self, leaf: Callable[[str], Outcome]) -> Outcome:
        """The leaf's outcome, as given by ``leaf``."""
        return leaf(self.key)

    def keys(self) -> Iterator[str]:
        """The indicator keys this condition reads."""
        yield self.key

    def to_data(self) -> object:
        """The condition as it is written in a rule file."""
        return self.key


@attrs.frozen(kw_only=True)
class AllOf:
    """Every child is met (Kleene AND; not-applicable children are ignored).

    .. versionadded:: 0.1.0
    """

    children: tuple[Condition, ...] = attrs.field(converter=_tuple_of_conditions)

    def evaluate(self, leaf: Callable[[str], Outcome]) -> Outcome:
        """Kleene AND of the children."""
        return Outcome.all_of(c.evaluate(leaf) for c in self.children)

    def keys(self) -> Iterator[str]:
        """The indicator keys this condition reads."""
        for child in self.children:
            yield from child.keys()

    def to_data(self) -> object:
        """The condition as it is written in a rule file."""
        return {"all_of": [c.to_data() for c in self.children]}


@attrs.frozen(kw_only=True)
class AnyOf:
    """At least one child is met (Kleene OR).

    .. versionadded:: 0.1.0
    """

    children: tuple[Condition, ...] = attrs.field(converter=_tuple_of_conditions)

    def evaluate(self, leaf: Callable[[str], Outcome]) -> Outcome:
        """Kleene OR of the children."""
        return Outcome.any_of(c.evaluate(leaf) for c in self.children)

    def keys(self) -> Iterator[str]:
        """The indicator keys this condition reads."""
        for child in self.children:
            yield from child.keys()

    def to_data(self) -> object:
        """The condition as it is written in a rule file."""
        return {"any_of": [c.to_data() for c in self.children]}


@attrs.frozen(kw_only=True)
class AtLeast:
    """At least ``k`` of the children are met.

    The outcome is UNKNOWN only when the unknown children could still decide it.

    .. versionadded:: 0.1.0
    """

    k: int = attrs.field()
    children: tuple[Condition, ...] = attrs.field(converter=_tuple_of_conditions)

    @k.validator
    def _check_k(self, _attribute: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            msg = f"at_least needs k >= 1, got {value}"
            raise ValueError(msg)

    def evaluate(self, leaf: Callable[[str], Outcome]) -> Outcome:
        """MET if at least ``k`` children are met, NOT_MET if that is impossible."""
        outcomes = [c.evaluate(leaf) for c in self.children]
        applicable = [o for o in outcomes if o is not Outcome.NOT_APPLICABLE]
        if not applicable:
            return Outcome.NOT_APPLICABLE
        met = sum(o is Outcome.MET for o in applicable)
        unknown = sum(o is Outcome.UNKNOWN for o in applicable)
        if met >= self.k:
            return Outcome.MET
        if met + unknown < self.k:
            return Outcome.NOT_MET
        return Outcome.UNKNOWN

    def keys(self) -> Iterator[str]:
        """The indicator keys this condition reads."""
        for child in self.children:
            yield from child.keys()

    def to_data(self) -> object:
        """The condition as it is written in a rule file."""
        return {"at_least": self.k, "of": [c.to_data() for c in self.children]}


@attrs.frozen(kw_only=True)
class Not:
    """The child is not met.

    .. versionadded:: 0.1.0
    """

    child: Condition

    def evaluate(self, leaf: Callable[[str], Outcome]) -> Outcome:
        """Kleene NOT of the child."""
        return ~self.child.evaluate(leaf)

    def keys(self) -> Iterator[str]:
        """The indicator keys this condition reads."""
        return self.child.keys()

    def to_data(self) -> object:
        """The condition as it is written in a rule file."""
        return {"not": self.child.to_data()}


@attrs.frozen(kw_only=True)
class When:
    """``then`` applies only when the yes/no indicator ``applies`` is true.

    If ``applies`` is false the node is NOT_APPLICABLE; if it is unknown, so
    is the node (unless ``then`` is met anyway).

    .. versionadded:: 0.1.0
    """

    applies: str
    then: Condition

    def evaluate(self, leaf: Callable[[str], Outcome]) -> Outcome:
        """``then``'s outcome when it applies, NOT_APPLICABLE when it does not."""
        gate = leaf(self.applies)
        if gate in (Outcome.NOT_MET, Outcome.NOT_APPLICABLE):
            return Outcome.NOT_APPLICABLE
        result = self.then.evaluate(leaf)
        # With the gate unknown, a met (or inapplicable) `then` decides either way.
        if gate is Outcome.MET or result in (Outcome.MET, Outcome.NOT_APPLICABLE):
            return result
        return Outcome.UNKNOWN

    def keys(self) -> Iterator[str]:
        """The indicator keys this condition reads."""
        yield self.applies
        yield from self.then.keys()

    def to_data(self) -> object:
        """The condition as it is written in a rule file."""
        return {"when": self.applies, "then": self.then.to_data()}


Condition = Check | AllOf | AnyOf | AtLeast | Not | When
"""Any node of a condition tree."""
