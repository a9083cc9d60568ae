"""Namespaced methods on results, pandas-style: ``report.plot.conditions()``.

An :class:`Accessor` is a descriptor on a result class; reading it from an
instance returns a small object bound to that instance (as pandas'
``CachedAccessor`` does for ``DataFrame.plot``), so plotting code lives in its
own module and a result class stays a plain frozen value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, overload

__all__ = ["Accessor"]

Owner = TypeVar("Owner")
Bound = TypeVar("Bound")


class Accessor(Generic[Owner, Bound]):
    """``plot = Accessor(ReportPlots)`` makes ``report.plot`` return ``ReportPlots(report)``."""

    def __init__(self, factory: Callable[[Owner], Bound]) -> None:
        self._factory = factory

    @overload
    def __get__(self, obj: None, owner: type[Owner]) -> Accessor[Owner, Bound]: ...

    @overload
    def __get__(self, obj: Owner, owner: type[Owner]) -> Bound: ...

    def __get__(self, obj: Owner | None, owner: type[Owner]) -> Accessor[Owner, Bound] | Bound:
        if obj is None:
            return self
        return self._factory(obj)
