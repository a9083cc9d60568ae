"""What-if: immutable scenarios of edits, comparisons of results, the plan, projections.

A :class:`Scenario` of :class:`Edit` s changes observations (scale, shift or
set an indicator, meet a threshold exactly) and layers threshold sheets onto
the rules; :func:`compare` lists what changes between two results;
:func:`plan` finds the fewest communes, with the criteria and shortfalls to
close in each, that complete a province's (or district's) conditions.

.. versionadded:: 0.3.0
"""

from ntm_core._core import publish
from ntm_core.scenarios._compare import (
    ComparedCondition,
    ComparedCriterion,
    ComparedTier,
    Comparison,
    compare,
)
from ntm_core.scenarios._edits import Edit, Operation, Scenario, Units
from ntm_core.scenarios._plan import Plan, PlanCondition, PlanStep, Shortfall, plan

__all__ = [
    "ComparedCondition",
    "ComparedCriterion",
    "ComparedTier",
    "Comparison",
    "Edit",
    "Operation",
    "Plan",
    "PlanCondition",
    "PlanStep",
    "Scenario",
    "Shortfall",
    "Units",
    "compare",
    "plan",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name
