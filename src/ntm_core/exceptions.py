"""The exceptions ntm_core raises.

Every exception derives from :class:`NtmCoreError` and from the builtin that
matches its meaning, so callers can catch either. Each carries its data as
attributes, pickles, and says what was expected, what was got, and where.

A negative assessment (a commune that does not meet a criterion) is a result,
never an exception.

>>> from ntm_core.exceptions import UnitMismatchError
>>> err = UnitMismatchError(field="income_per_capita", value="45 km",
...                         expected="million_VND / person / year")
>>> isinstance(err, ValueError)
True
>>> print(err)
income_per_capita: expected a value in million_VND / person / year, got '45 km'

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

__all__ = [
    "DataError",
    "InputError",
    "InputErrors",
    "MissingDependencyError",
    "NtmCoreError",
    "OutputError",
    "RuleDefinitionError",
    "RuleNotInForceError",
    "UnitMismatchError",
    "UnknownIndicatorError",
]


def _str(value: object) -> str:
    """``str(value)``, or a placeholder: an error's message must never fail to render."""
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - any failure of a foreign __str__
        return f"<unprintable {type(value).__name__}>"


def _repr(value: object) -> str:
    """``repr(value)``, or a placeholder (see :func:`_str`)."""
    try:
        return repr(value)
    except Exception:  # noqa: BLE001 - any failure of a foreign __repr__
        return f"<unprintable {type(value).__name__}>"


def _where(source: object, row: object, column: object) -> str:
    """Render a location such as ``data.csv, row 4, column 'income'``."""
    parts: list[str] = []
    if source:
        parts.append(_str(source))
    if row is not None:
        parts.append(f"row {_str(row)}")
    if column is not None:
        parts.append(f"column {_repr(column)}")
    return ", ".join(parts)


class NtmCoreError(Exception):
    """Base class of every error ntm_core raises on purpose."""


class InputError(NtmCoreError, ValueError):
    """A value from the user's data is not what was expected.

    Args:
        message: What is wrong, in one sentence.
        source: The file (or other source) the value came from.
        row: The 1-based row number in that source, header included.
        column: The column or field name.
        value: The offending value.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.source = source
        self.row = row
        self.column = column
        self.value = value
        super().__init__(message, source, row, column, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_input_error,
            (type(self), self.message, self.source, self.row, self.column, self.value),
        )

    def __str__(self) -> str:
        where = _where(self.source, self.row, self.column)
        message = _str(self.message)
        return f"{where}: {message}" if where else message


def _rebuild_input_error(  # noqa: PLR0917 - pickle calls it with positional args
    cls: type[InputError],
    message: str,
    source: str | None,
    row: int | None,
    column: str | None,
    value: object,
) -> InputError:
    """Rebuild an :class:`InputError` (or subclass) when unpickling."""
    err = InputError.__new__(cls)
    InputError.__init__(err, message, source=source, row=row, column=column, value=value)
    return err


class DataError(InputError):
    """A data file as a whole cannot be read (empty, not UTF-8, wrong layout)."""


class OutputError(NtmCoreError, OSError):
    """A result cannot be written to the file asked for.

    The file exists (and overwriting was not asked for), is a directory or a
    symbolic link, has a suffix of another format, or the system refused the
    write (a full disk, no permission). Nothing is left behind: neither a
    partial file nor a temporary one.

    Args:
        message: What is wrong and how to fix it.
        path: The file.

    >>> print(OutputError("the file exists; pass --force (force=True) to replace it", path="a.csv"))
    a.csv: the file exists; pass --force (force=True) to replace it

    .. versionadded:: 0.2.0
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.filename = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_output_error, (self.message, self.path))

    def __str__(self) -> str:
        return f"{_str(self.path)}: {_str(self.message)}"


def _rebuild_output_error(message: str, path: str) -> OutputError:
    """Rebuild an :class:`OutputError` when unpickling."""
    return OutputError(message, path=path)


class UnitMismatchError(NtmCoreError, ValueError):
    """A quantity has the wrong unit, cannot be parsed, or is out of range.

    Args:
        field: The indicator key or column the value was given for.
        value: The value as given.
        expected: The expected unit or kind of value.
        reason: An optional extra explanation.
        source: The file the value came from, if any.
        row: The 1-based row in that file, if any.
    """

    def __init__(
        self,
        *,
        field: str,
        value: object,
        expected: str,
        reason: str | None = None,
        source: str | None = None,
        row: int | None = None,
    ) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        self.reason = reason
        self.source = source
        self.row = row
        super().__init__(field, value, expected, reason, source, row)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_unit_error,
            (self.field, self.value, self.expected, self.reason, self.source, self.row),
        )

    def __str__(self) -> str:
        where = _where(self.source, self.row, None)
        prefix = f"{where}: " if where else ""
        # "expected" is either a unit ("million_VND / person / year") or a
        # phrase that already reads as a noun ("a number", "a non-negative count").
        expected = _str(self.expected)
        if not expected.startswith(("a ", "an ")):
            expected = f"a value in {expected}"
        text = f"{prefix}{_str(self.field)}: expected {expected}, got {_repr(self.value)}"
        if self.reason:
            text += f" ({_str(self.reason)})"
        return text


def _rebuild_unit_error(  # noqa: PLR0917 - pickle calls it with positional args
    field: str,
    value: object,
    expected: str,
    reason: str | None,
    source: str | None,
    row: int | None,
) -> UnitMismatchError:
    """Rebuild a :class:`UnitMismatchError` when unpickling."""
    return UnitMismatchError(
        field=field, value=value, expected=expected, reason=reason, source=source, row=row
    )


class UnknownIndicatorError(InputError, KeyError):
    """An indicator key or code is not defined by the rule set in force."""

    def __str__(self) -> str:
        # KeyError.__str__ would repr the args tuple; keep InputError's message.
        return InputError.__str__(self)


class RuleDefinitionError(NtmCoreError, ValueError):
    """A rule file or threshold sheet is malformed.

    Loaders collect every problem of a file and raise them together in an
    :class:`InputErrors` group of these.

    Args:
        message: What is wrong.
        source: The file.
        path: The table path inside the file, e.g. ``criteria[3].indicators[0]``.
        key: The offending key.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        path: str | None = None,
        key: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.path = path
        self.key = key
        super().__init__(message, source, path, key)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_rule_error, (self.message, self.source, self.path, self.key))

    def __str__(self) -> str:
        where = [_str(p) for p in (self.source, self.path) if p]
        if self.key is not None:
            where.append(f"key {_repr(self.key)}")
        message = _str(self.message)
        return f"{', '.join(where)}: {message}" if where else message


def _rebuild_rule_error(
    message: str, source: str | None, path: str | None, key: str | None
) -> RuleDefinitionError:
    """Rebuild a :class:`RuleDefinitionError` when unpickling."""
    return RuleDefinitionError(message, source=source, path=path, key=key)


class InputErrors(NtmCoreError, ExceptionGroup):  # noqa: N818 - a group of errors, not one
    """Every problem found in one input (a file, a sheet, a list of records), raised together.

    Readers and loaders check a whole input before giving up, so a user can fix
    every bad row in one pass. The group is an :class:`ExceptionGroup` (handle it
    with ``except*`` or walk ``.exceptions``) *and* an :class:`NtmCoreError`, so
    ``except NtmCoreError`` catches a reader's group as it catches a single error.
    :meth:`~BaseExceptionGroup.split` and :meth:`~BaseExceptionGroup.subgroup`
    keep the type, and the group pickles with its members.

    Args:
        message: What was read and how many problems it has, e.g.
            ``"data.csv: 3 problems in the observations"``.
        exceptions: The problems, usually :class:`InputError` or
            :class:`RuleDefinitionError`, each naming its own location.

    >>> from ntm_core.exceptions import InputError, InputErrors, NtmCoreError
    >>> group = InputErrors("data.csv: 1 problem", [InputError("bad", source="data.csv", row=2)])
    >>> isinstance(group, NtmCoreError), isinstance(group, ExceptionGroup)
    (True, True)
    >>> print(group.exceptions[0])
    data.csv, row 2: bad

    .. versionadded:: 0.2.0
    """

    def __new__(cls, message: str, exceptions: Sequence[Exception]) -> Self:
        """Build the group (:class:`ExceptionGroup` validates in ``__new__``)."""
        return super().__new__(cls, message, exceptions)

    def derive(self, excs: Sequence[Exception]) -> InputErrors:  # type: ignore[override]
        """A group of the same type and message holding ``excs`` (used by ``split``)."""
        return InputErrors(self.message, excs)


class RuleNotInForceError(NtmCoreError, LookupError):
    """No edition of a rule set is in force on the date asked for.

    Args:
        key: The rule-set key.
        on: The date asked for, as ISO text.
        nearest: Descriptions of the nearest editions, e.g.
            ``"2021-2025 (2022-03-08 – 2024-03-01)"``.
    """

    def __init__(self, key: str, on: str, nearest: tuple[str, ...] = ()) -> None:
        self.key = key
        self.on = on
        self.nearest = tuple(nearest)
        super().__init__(key, on, self.nearest)

    def __str__(self) -> str:
        text = f"no edition of {_repr(self.key)} is in force on {_str(self.on)}"
        if self.nearest:
            text += "; nearest editions: " + ", ".join(map(_str, self.nearest))
        return text


class MissingDependencyError(NtmCoreError, ImportError):
    """A feature needs an optional package that is not installed.

    Args:
        module: The module that could not be imported, e.g. ``"pandas"``.
        feature: What needed it, e.g. ``"Assessment.to_frame()"``.
        extra: The ntm-core extra that installs it, e.g. ``"pandas"``.

    >>> print(MissingDependencyError(module="pandas", feature="to_frame()", extra="pandas"))
    to_frame() needs pandas, which is not installed: pip install 'ntm-core[pandas]'

    .. versionadded:: 0.2.0
    """

    def __init__(self, *, module: str, feature: str, extra: str) -> None:
        self.module = module
        self.feature = feature
        self.extra = extra
        super().__init__(f"{_str(feature)} needs {_str(module)}")
        self.name = module

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_missing, (self.module, self.feature, self.extra))

    def __str__(self) -> str:
        return (
            f"{_str(self.feature)} needs {_str(self.module)}, which is not installed: "
            f"pip install 'ntm-core[{_str(self.extra)}]'"
        )


def _rebuild_missing(module: str, feature: str, extra: str) -> MissingDependencyError:
    """Rebuild a :class:`MissingDependencyError` when unpickling."""
    return MissingDependencyError(module=module, feature=feature, extra=extra)
