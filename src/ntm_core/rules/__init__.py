"""Versioned, cited rule sets: the model, the loader and the rulebook.

Rule sets are data (TOML files under ``rules/data/``), never code. Each
edition has a validity interval, the instrument it encodes and, for every
threshold, a citation and a provenance mark.

>>> import datetime as dt
>>> from ntm_core.rules import Rulebook
>>> book = Rulebook.bundled()
>>> edition = book.get("vn.commune.standard@2021-2025")
>>> len(edition.criteria)
19
>>> edition.criterion("10").name_vi
'Thu nhập'

.. versionadded:: 0.1.0
"""

from ntm_core._core import publish
from ntm_core.rules._conditions import AllOf, AnyOf, AtLeast, Check, Condition, Not, When
from ntm_core.rules._diff import Change, RuleDiff, diff
from ntm_core.rules._model import (
    Aggregate,
    Comparator,
    Criterion,
    Indicator,
    IndicatorKind,
    OcopPart,
    OcopScheme,
    OcopStarBand,
    RegionOverride,
    RelativeThreshold,
    RevocationRule,
    RulePurpose,
    RuleSet,
    Selection,
    SelectorKind,
    Threshold,
    ThresholdOverride,
    ruleset_to_dict,
    threshold_to_dict,
)
from ntm_core.rules._rulebook import DATA_DIR, Rulebook
from ntm_core.rules._sheets import SHEET_COLUMNS, template_rows, write_template

__all__ = [
    "DATA_DIR",
    "SHEET_COLUMNS",
    "Aggregate",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Change",
    "Check",
    "Comparator",
    "Condition",
    "Criterion",
    "Indicator",
    "IndicatorKind",
    "Not",
    "OcopPart",
    "OcopScheme",
    "OcopStarBand",
    "RegionOverride",
    "RelativeThreshold",
    "RevocationRule",
    "RuleDiff",
    "RulePurpose",
    "RuleSet",
    "Rulebook",
    "Selection",
    "SelectorKind",
    "Threshold",
    "ThresholdOverride",
    "When",
    "diff",
    "ruleset_to_dict",
    "template_rows",
    "threshold_to_dict",
    "write_template",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name
