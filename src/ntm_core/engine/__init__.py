"""The rules engine: explained decisions for one unit, the same decisions for many at once.

>>> import datetime as dt
>>> from fractions import Fraction
>>> from ntm_core.engine import Observations, Column, explain
>>> from ntm_core.rules import IndicatorKind
>>> obs = Observations(
...     codes=["18550"], periods=[2023],
...     columns={"income_per_capita": Column.from_values(
...         "income_per_capita", IndicatorKind.NUMERIC, [Fraction(50)])},
...     attributes={"region": ["BTB"]},
... )
>>> result = explain(obs, "18550", on=dt.date(2023, 12, 31))
>>> result.criteria[9].code, result.criteria[9].outcome
('10', <Outcome.UNKNOWN: 'unknown'>)
>>> "commune_plan_approved" in result.missing
True
"""

from ntm_core._core import publish
from ntm_core.engine._api import assess, explain, of_level
from ntm_core.engine._assessment import (
    SCHEMA,
    Assessment,
    CheckResult,
    CriterionResult,
    RungResult,
)
from ntm_core.engine._batch import (
    CODES,
    BatchResult,
    SelectionGroups,
    evaluate_batch,
    group_selections,
)
from ntm_core.engine._catalog import IndicatorCatalog
from ntm_core.engine._ladder import Ladder, selections
from ntm_core.engine._observations import ATTRIBUTES, Column, Observations, Value
from ntm_core.engine._render import render_text
from ntm_core.engine._scalar import explain_row

__all__ = [
    "ATTRIBUTES",
    "CODES",
    "SCHEMA",
    "Assessment",
    "BatchResult",
    "CheckResult",
    "Column",
    "CriterionResult",
    "IndicatorCatalog",
    "Ladder",
    "Observations",
    "RungResult",
    "SelectionGroups",
    "Value",
    "assess",
    "evaluate_batch",
    "explain",
    "explain_row",
    "group_selections",
    "of_level",
    "render_text",
    "selections",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name
