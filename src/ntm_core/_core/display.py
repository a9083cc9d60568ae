"""What results look like to people: languages, units in words, short reprs, HTML pieces.

One place for the building blocks every renderer shares, so that a unit reads
the same way (``triệu đồng/người/năm``) in an explanation, a report and a
workbook, and every HTML table escapes its cells the same way.

>>> unit_text("million_VND / person / year", lang="vi")
'triệu đồng/người/năm'
>>> unit_text("m**2 / person", lang="en")
'm²/person'
>>> short_repr("Assessment", ("units", 182), ("on", "2024-12-31"))
'<Assessment units=182 on=2024-12-31>'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeAlias

from ntm_core._core.vocabulary import Outcome
from ntm_core.exceptions import InputError

__all__ = [
    "LANGS",
    "SYNTHETIC_NOTE",
    "Lang",
    "check_lang",
    "details",
    "html_table",
    "mark_synthetic",
    "markdown_cell",
    "outcome_mark",
    "short_repr",
    "unit_text",
]

Lang: TypeAlias = Literal["en", "vi"]
LANGS: tuple[Lang, ...] = ("en", "vi")

_REPR_LIMIT = 300

# Canonical unit tokens (pint spellings in the rule files) and how people write them.
_UNIT_WORDS: dict[str, dict[str, str]] = {
    "million_VND": {"en": "million VND", "vi": "triệu đồng"},
    "billion_VND": {"en": "billion VND", "vi": "tỷ đồng"},
    "VND": {"en": "VND", "vi": "đồng"},
    "person": {"en": "person", "vi": "người"},
    "household": {"en": "household", "vi": "hộ"},
    "year": {"en": "year", "vi": "năm"},
    "ha": {"en": "ha", "vi": "ha"},
    "km": {"en": "km", "vi": "km"},
    "m**2": {"en": "m²", "vi": "m²"},
    "m": {"en": "m", "vi": "m"},
}


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is a language ntm_core writes (``"en"`` or ``"vi"``).

    Raises:
        InputError: For anything else, naming the argument and the languages there are.
    """
    if lang == "en":
        return "en"
    if lang == "vi":
        return "vi"
    raise InputError(f"expected lang='en' or lang='vi', got {lang!r}", column="lang", value=lang)


def unit_text(unit: str | None, *, lang: Lang = "en") -> str:
    """A canonical unit as people write it in ``lang``; ``""`` for none or dimensionless.

    ``percent`` is ``%`` in both languages; products and quotients keep their order
    (``million_VND / person / year`` → ``triệu đồng/người/năm``).
    """
    lang = check_lang(lang)
    if unit is None or unit in {"", "dimensionless"}:
        return ""
    if unit == "percent":
        return "%"
    parts = [part.strip() for part in unit.split("/")]
    words = []
    for part in parts:
        factors = [f.strip() for f in part.split("*") if f.strip()] if "**" not in part else [part]
        words.append("·".join(_UNIT_WORDS.get(f, {}).get(lang, f) for f in factors))
    return "/".join(words)


def short_repr(kind: str, *fields: tuple[str, object]) -> str:
    """``<Kind a=1 b=2>``, cut to under 300 characters with ``…``.

    A repr says what a value is (how many units, which date, which rules), not
    everything it holds: that is what ``to_frame()``, ``to_text()`` and the HTML
    display are for.
    """
    text = "<" + " ".join([kind, *(f"{name}={value}" for name, value in fields)]) + ">"
    if len(text) < _REPR_LIMIT:
        return text
    return text[: _REPR_LIMIT - 3] + "…>"


_MARKS = {
    Outcome.MET: ("✓", "met", "đạt"),
    Outcome.NOT_MET: ("✗", "not met", "chưa đạt"),
    Outcome.UNKNOWN: ("?", "unknown", "chưa rõ"),
    Outcome.NOT_APPLICABLE: ("–", "not applicable", "không áp dụng"),
}


def outcome_mark(outcome: Outcome, *, lang: Lang = "en") -> str:
    """A mark and a word, so outcomes differ without colour: ``✓ met``, ``✗ chưa đạt``."""
    mark, en, vi = _MARKS[outcome]
    return f"{mark} {vi if check_lang(lang) == 'vi' else en}"


def _cell(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def html_table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    limit: int | None = None,
) -> str:
    """An escaped HTML ``<table>``; with ``limit``, the first rows and a note of how many more.

    Cells are text (escaped); pass already-built HTML through :func:`details` only.
    """
    body: list[str] = []
    hidden = 0
    for index, row in enumerate(rows):
        if limit is not None and index >= limit:
            hidden += 1
            continue
        body.append("<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row) + "</tr>")
    parts = ['<table class="ntm-table">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{_cell(h)}</th>" for h in header) + "</tr></thead>")
    parts.append("<tbody>" + "".join(body) + "</tbody></table>")
    if hidden:
        parts.append(f"<p>… {hidden} more rows (use <code>.to_frame()</code>)</p>")
    return "".join(parts)


def details(summary: str, body_html: str, *, open_: bool = False) -> str:
    """A collapsible ``<details>`` block: ``summary`` is text (escaped), ``body_html`` is HTML."""
    attribute = " open" if open_ else ""
    return f"<details{attribute}><summary>{html.escape(summary)}</summary>{body_html}</details>"


# Backslash first, so the escapes added for the others are not escaped again.
_MARKDOWN_SPECIAL = ("\\", "|", "<", "&", "[", "]", "`")


def markdown_cell(value: object) -> str:
    r"""Text for a Markdown table cell (or list item) that cannot break out of it.

    ``|`` would end the cell, a line break the table, ``<`` start raw HTML
    (``<script>``, ``<img>``), ``[`` a link, a backquote a code span, ``&`` an
    entity: each is backslash-escaped, which every CommonMark renderer shows as
    the character itself; line breaks become blanks. Formula characters
    (``=``, ``+``, ``-``, ``@``) are harmless in Markdown and stay.

    >>> markdown_cell("Xã A | B\n<script>")
    'Xã A \\| B \\<script>'
    >>> markdown_cell(None)
    ''
    """
    if value is None:
        return ""
    text = " ".join(str(value).splitlines()).strip()
    for character in _MARKDOWN_SPECIAL:
        text = text.replace(character, "\\" + character)
    return text


SYNTHETIC_NOTE = {"en": "SYNTHETIC sample data", "vi": "SỐ LIỆU GIẢ LẬP (dữ liệu mẫu)"}


def mark_synthetic(axes: Any, *, lang: Lang = "en") -> None:  # noqa: ANN401 - a matplotlib Axes
    """Write the synthetic-data label inside a chart, so a copied figure still says it."""
    axes.text(
        0.99,
        0.01,
        SYNTHETIC_NOTE[check_lang(lang)],
        transform=axes.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        color="0.25",
        bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none"},
    )
