"""Text as people type it: NFC normalisation, lenient folding, and enum parsing.

One place for the rules every reader applies to words: cells are stripped and
NFC-normalised (a Vietnamese word typed on a Mac arrives decomposed), and
closed vocabularies are matched after folding case, diacritics, ``đ``, dashes
and blanks.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TypeVar

from ntm_core.exceptions import InputError

__all__ = ["fold", "nfc", "optional_nfc", "parse_member", "require_text"]

E = TypeVar("E", bound=enum.Enum)


def nfc(text: object) -> str:
    """``text`` as a stripped, NFC-normalised string."""
    return unicodedata.normalize("NFC", str(text).strip())


def optional_nfc(value: object) -> str | None:
    """``value`` as stripped NFC text, or ``None`` when it is ``None`` or blank."""
    if value is None:
        return None
    return nfc(value) or None


def fold(text: str) -> str:
    """Fold text for lenient matching: NFC, lower case, no diacritics, ``đ`` → ``d``.

    >>> fold("Không Đạt"), fold("đồng-bằng")
    ('khong_dat', 'dong_bang')
    """
    decomposed = unicodedata.normalize("NFD", text.strip().casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("-", "_").replace(" ", "_")


def parse_member(
    cls: type[E],
    text: object,
    aliases: Mapping[str, E] | None = None,
    what: str = "value",
    *,
    names: Iterable[str] = (),
    prefixes: Iterable[str] = (),
) -> E:
    """The member of ``cls`` that ``text`` names, after :func:`fold`.

    A member matches by its value, by any attribute in ``names`` (such as
    ``"name_vi"``), or through ``aliases`` (folded spellings). The first of
    ``prefixes`` (folded) that the text starts with is dropped first
    (``"nhóm 3"`` → ``"3"``).

    Raises:
        InputError: (a :class:`ValueError`) If ``text`` is not text, or names
            no member; the message names ``what`` and lists the choices.
    """
    folded = fold(require_text(text, what, _choices(cls)))
    for prefix in prefixes:
        if folded.startswith(prefix):
            folded = folded.removeprefix(prefix)
            break
    attributes = tuple(names)
    for member in cls:
        if folded == fold(str(member.value)):
            return member
        if any(folded == fold(str(getattr(member, name))) for name in attributes):
            return member
    if aliases and folded in aliases:
        return aliases[folded]
    raise InputError(f"unknown {what} {text!r}; expected one of {_choices(cls)}", value=text)


def require_text(value: object, what: str, choices: str) -> str:
    """``value`` if it is text; else the library's error naming ``what`` and the choices.

    ``Region.from_text(None)`` must say what was expected, not fail inside with an
    :class:`AttributeError`.

    Raises:
        InputError: If ``value`` is not a ``str``.
    """
    if not isinstance(value, str):
        raise InputError(
            f"{what}: expected text naming one of {choices}, got {value!r}", value=value
        )
    return value


def _choices(cls: type[enum.Enum]) -> str:
    return ", ".join(str(m.value) for m in cls)
