"""Readers for the readiness inputs beside the observations: recognitions (CSV), targets (TOML)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
from pathlib import Path

from ntm_core._core.tables import decode
from ntm_core._core.vocabulary import Citation, Tier
from ntm_core.exceptions import DataError, InputError, InputErrors
from ntm_core.readiness._model import PlanTarget, Recognition, TargetMeasure

__all__ = ["read_recognitions", "read_targets"]


def _text(path: str | Path) -> str:
    """The file's text as UTF-8 (a byte-order mark is fine), or a :class:`DataError`."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise DataError(f"cannot read: {err.strerror}", source=source) from None
    return decode(data, source)


def read_recognitions(path: str | Path) -> list[Recognition]:
    """Read recognition decisions from a CSV.

    Columns: ``unit_code, tier, decision, decision_date, assessment_year``.

    Raises:
        DataError: If the file cannot be read.
        InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per bad row.
    """
    source = str(path)
    text = _text(path)
    out = []
    problems: list[InputError] = []
    for row_number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            tier = Tier.from_text(row.get("tier", ""))
            date_text = (row.get("decision_date") or "").strip()
            year_text = (row.get("assessment_year") or "").strip()
            out.append(
                Recognition(
                    unit=(row.get("unit_code") or "").strip(),
                    tier=tier,
                    decision=(row.get("decision") or "").strip(),
                    decision_date=dt.date.fromisoformat(date_text) if date_text else None,
                    assessment_year=int(year_text) if year_text else None,
                )
            )
        except ValueError as err:
            problems.append(InputError(str(err), source=source, row=row_number))
    if problems:
        raise InputErrors(f"{source}: bad recognition rows", problems)
    return out


def read_targets(path: str | Path) -> list[PlanTarget]:
    """Read plan targets from TOML.

    Each ``[[targets]]`` table has ``year, measure, minimum, label_vi, label_en``
    and an optional ``citation`` table; ``measure`` is one of
    :class:`TargetMeasure`'s values.

    Raises:
        DataError: If the file cannot be read or a target is malformed (an
            unknown measure names the target and the known measures).
    """
    source = str(path)
    try:
        data = tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as err:
        raise DataError(f"cannot read targets: {err}", source=source) from None
    out = []
    for i, item in enumerate(data.get("targets", [])):
        where = f"targets[{i}]"
        try:
            measure = TargetMeasure.from_text(str(item["measure"]))
        except KeyError as err:
            raise DataError(f"{where}: missing key {err}", source=source) from None
        except ValueError as err:
            raise DataError(
                str(err), source=source, column=f"{where}.measure", value=item["measure"]
            ) from None
        try:
            citation = item.get("citation")
            out.append(
                PlanTarget(
                    year=int(item["year"]),
                    measure=measure,
                    minimum=int(item["minimum"]),
                    label_vi=str(item["label_vi"]),
                    label_en=str(item["label_en"]),
                    citation=Citation.from_mapping(citation) if citation else None,
                )
            )
        except (KeyError, TypeError, ValueError) as err:
            raise DataError(f"{where}: {err}", source=source) from None
    return out
