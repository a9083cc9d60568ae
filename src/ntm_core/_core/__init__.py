"""The private core: closed vocabularies, exact numbers, text folding, tables.

Everything here is re-exported by a public module; nothing outside the library
should import ``ntm_core._core`` directly.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from types import ModuleType


def publish(namespace: MutableMapping[str, object], names: Iterable[str]) -> None:
    """Give the classes and functions a public module re-exports that module as their home.

    Documentation links, pickles and reprs name ``obj.__module__``; a name defined in a
    private module (``ntm_core.ocop._model``) and exported by a public one (``ntm_core.ocop``)
    must say the public one. Names already homed in another public module are left alone.

    Args:
        namespace: The public module's ``globals()``.
        names: The names it exports (its ``__all__``).
    """
    home = str(namespace["__name__"])
    for name in names:
        obj = namespace[name]
        if isinstance(obj, ModuleType):  # a (callable) package is its own home
            continue
        module = getattr(obj, "__module__", None)
        if not isinstance(module, str) or not (isinstance(obj, type) or callable(obj)):
            continue
        if any(part.startswith("_") for part in module.split(".")):
            try:
                obj.__module__ = home
            except (AttributeError, TypeError):  # pragma: no cover - builtins cannot be re-homed
                continue
