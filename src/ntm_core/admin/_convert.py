"""Converters and checks shared by the administrative values: text, codes, dates, flags.

Each takes a raw cell or option and returns the value the attrs classes hold,
or raises :class:`ValueError` / :class:`TypeError` naming the field and the value.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Mapping

import attrs

from ntm_core._core.text import fold, nfc
from ntm_core.exceptions import InputError

__all__ = [
    "DAY",
    "as_date",
    "check_types",
    "flag",
    "frozen_attributes",
    "nonempty",
    "optional_code",
    "parse_date",
    "strip",
]


def strip(value: object) -> str:
    """A code: text without surrounding white space.

    Codes are text because leading zeros matter (``"00001"``); anything else
    (``None``, a number that lost its zeros) is refused, never turned into ``"None"``.

    Raises:
        InputError: If ``value`` is not text.
    """
    if not isinstance(value, str):
        msg = f"expected a unit code as text (leading zeros matter), got {value!r}"
        raise InputError(msg, column="code", value=value)
    return value.strip()


def optional_code(value: object) -> str | None:
    """A parent code, or ``None`` when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def frozen_attributes(value: Mapping[str, object] | None) -> Mapping[str, str]:
    """Copy attributes into a read-only mapping of NFC strings."""
    if not value:
        return types.MappingProxyType({})
    return types.MappingProxyType({nfc(k): nfc(v) for k, v in value.items()})


def parse_date(value: object, field: str) -> dt.date | None:
    """Parse an ISO date, a :class:`datetime.date`, or empty to ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        msg = f"{field}: expected an ISO date (YYYY-MM-DD), got {value!r}"
        raise ValueError(msg) from None


DAY = dt.timedelta(days=1)


def as_date(value: object, field: str = "on") -> dt.date:
    """A :class:`datetime.date` (a datetime is cut to its date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    msg = f"{field}: expected a datetime.date, got {value!r}"
    raise TypeError(msg)


def flag(value: object, field: str) -> bool:
    """Parse a yes/no cell (``yes``, ``no``, ``true``, ``false``, ``1``, ``0``)."""
    if isinstance(value, bool):
        return value
    folded = fold(str(value))
    if folded in {"yes", "true", "1", "co"}:
        return True
    if folded in {"no", "false", "0", "khong"}:
        return False
    msg = f"{field}: expected yes or no, got {value!r}"
    raise ValueError(msg)


def nonempty(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """Reject an empty code."""
    if not value:
        msg = f"{attribute.name}: a unit code is needed"
        raise ValueError(msg)


def check_types(values: Iterable[object], kind: type, field: str) -> None:
    """Reject values of the wrong type, naming the first one."""
    for value in values:
        if not isinstance(value, kind):
            msg = f"{field}: expected {kind.__name__} values, got {value!r}"
            raise TypeError(msg)
