"""One administrative unit during one interval of its life, and the error for an unknown code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from ntm_core._core.text import nfc
from ntm_core.admin._convert import check_types, frozen_attributes, optional_code, parse_date, strip
from ntm_core.admin._level import AdminLevel
from ntm_core.exceptions import InputError

__all__ = ["AdminUnit", "UnknownUnitError"]


@attrs.frozen(kw_only=True)
class AdminUnit:
    """One administrative unit during one interval of its life.

    Attributes:
        code: The GSO code, a string of digits (leading zeros kept).
        name: The official name, NFC-normalised (``"Xã Kỳ Lạc"``).
        level: Its :class:`AdminLevel`.
        parent_code: The code of the unit it belongs to, or ``None`` for a province.
        valid_from: First day it existed in this form (inclusive), or ``None`` if unknown.
        valid_to: First day it no longer existed (exclusive), or ``None`` if it still does.
        attributes: Other facts the rules use (``region``, ``group``, ``commune_kind``),
            as a read-only mapping of strings.

    .. versionadded:: 0.1.0
    """

    code: str = attrs.field(converter=strip)
    name: str = attrs.field(converter=nfc)
    level: AdminLevel = attrs.field(validator=attrs.validators.instance_of(AdminLevel))
    parent_code: str | None = attrs.field(default=None, converter=optional_code)
    valid_from: dt.date | None = attrs.field(default=None)
    valid_to: dt.date | None = attrs.field(default=None)
    attributes: Mapping[str, str] = attrs.field(
        factory=dict, converter=frozen_attributes, hash=False
    )

    @code.validator
    def _check_code(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            msg = "an administrative unit needs a code"
            raise InputError(msg, column="code", value=value)

    @name.validator
    def _check_name(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not value:
            msg = f"unit {self.code!r} needs a name"
            raise ValueError(msg)

    @valid_to.validator
    def _check_interval(
        self, _attribute: attrs.Attribute[dt.date | None], value: dt.date | None
    ) -> None:
        if value is not None and self.valid_from is not None and value <= self.valid_from:
            msg = (
                f"unit {self.code!r}: valid_to {value.isoformat()} must be after "
                f"valid_from {self.valid_from.isoformat()}"
            )
            raise ValueError(msg)

    def __reduce__(self) -> tuple[object, ...]:
        # The attributes are a read-only mapping, which does not pickle: pass a dict.
        fields = (self.code, self.name, self.level, self.parent_code, self.valid_from)
        return (_rebuild_unit, (*fields, self.valid_to, dict(self.attributes)))

    def exists_on(self, on: dt.date) -> bool:
        """Whether the unit existed, in this form, on ``on``."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_to is None or on < self.valid_to

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> AdminUnit:
        """Build a unit from a row such as those of the bundled CSV files.

        Recognised keys: ``code``, ``name``, ``level`` (English, or a Vietnamese
        type in ``type``), ``parent_code`` (or ``district_code``, then
        ``province_code``), ``valid_from``, ``valid_to``. Every other non-empty
        key becomes an attribute.

        Raises:
            ValueError: If a required key is missing or a value cannot be parsed;
                the message names the key and the value.
        """
        known = {
            "code", "name", "level", "type", "parent_code", "district_code",
            "province_code", "valid_from", "valid_to",
        }  # fmt: skip
        level_text = row.get("level") or row.get("type")
        if not level_text:
            msg = f"unit {row.get('code')!r}: missing 'level'"
            raise ValueError(msg)
        parent = row.get("parent_code") or row.get("district_code") or row.get("province_code")
        extra = {k: v for k, v in row.items() if k not in known and v not in (None, "")}
        return cls(
            code=str(row.get("code") or ""),
            name=str(row.get("name") or ""),
            level=AdminLevel.from_text(str(level_text)),
            parent_code=optional_code(parent),
            valid_from=parse_date(row.get("valid_from"), "valid_from"),
            valid_to=parse_date(row.get("valid_to"), "valid_to"),
            attributes={str(k): v for k, v in extra.items()},
        )


def _rebuild_unit(  # noqa: PLR0917 - pickle calls it with positional args
    code: str,
    name: str,
    level: AdminLevel,
    parent_code: str | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    attributes: Mapping[str, str],
) -> AdminUnit:
    """Rebuild an :class:`AdminUnit` when unpickling."""
    return AdminUnit(
        code=code, name=name, level=level, parent_code=parent_code,
        valid_from=valid_from, valid_to=valid_to, attributes=attributes,
    )  # fmt: skip


# ---------------------------------------------------------------- errors


class UnknownUnitError(InputError, KeyError):
    """A unit code is not in the tree on the date asked for.

    It is a :class:`KeyError`, so an :class:`AdminSnapshot` behaves as a
    mapping (``code in snapshot``, ``snapshot.get(code)``).

    .. versionadded:: 0.1.0
    """

    def __str__(self) -> str:
        # KeyError.__str__ would repr the args tuple; keep InputError's message.
        return InputError.__str__(self)


def unit_tuple(value: Iterable[AdminUnit]) -> tuple[AdminUnit, ...]:
    units = tuple(value)
    check_types(units, AdminUnit, "units")
    return units
