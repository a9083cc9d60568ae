"""Dates as people give them: a :class:`datetime.date` or an ISO string, checked once.

Every public function that takes ``on=`` (or another date) coerces it here, so
``on="2024-12-31"`` and ``on=dt.date(2024, 12, 31)`` mean the same thing
everywhere and a wrong value gets the same message naming the argument.

>>> as_date("2024-12-31")
datetime.date(2024, 12, 31)
>>> as_date("31/12/2024", argument="target")
Traceback (most recent call last):
...
ntm_core.exceptions.InputError: target=: expected a date or an ISO date string 'YYYY-MM-DD', ...
"""

from __future__ import annotations

import datetime as dt

from ntm_core.exceptions import InputError

__all__ = ["as_date"]


def as_date(value: object, *, argument: str = "on") -> dt.date:
    """``value`` as a date: a :class:`~datetime.date`, or text ``YYYY-MM-DD``.

    A :class:`~datetime.datetime` (a pandas ``Timestamp`` is one) must fall at
    midnight: its date is taken, never a silently dropped time of day.

    Raises:
        InputError: For anything else, naming ``argument`` and the value.
    """
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date()
        msg = f"{argument}=: expected a date without a time of day, got {value!r}"
        raise InputError(msg, value=value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:  # fromisoformat also reads 20241231 and week dates: be strict
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
    msg = f"{argument}=: expected a date or an ISO date string 'YYYY-MM-DD', got {value!r}"
    raise InputError(msg, value=value)
