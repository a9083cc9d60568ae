"""What-if and what-next: scenarios of edits, comparisons, the plan, projections, Monte Carlo.

A :class:`Scenario` of :class:`Edit` s changes observations (scale, shift or
set an indicator, meet a threshold exactly) and layers threshold sheets onto
the rules; :func:`compare` lists what changes between two results;
:func:`plan` finds the fewest communes, with the criteria and shortfalls to
close in each, that complete a province's (or district's) conditions.
:func:`project` follows each unit's trend (:func:`fit_trend`) year by year
under the rules in force, and :func:`simulate` draws many futures around it,
each decided by the batch engine, in this process or on Dask.

.. versionadded:: 0.2.0
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
from ntm_core.scenarios._project import Attainment, Projection, project
from ntm_core.scenarios._projection import MonteCarloResult, simulate
from ntm_core.scenarios._trend import Trend, fit_trend

__all__ = [
    "Attainment",
    "ComparedCondition",
    "ComparedCriterion",
    "ComparedTier",
    "Comparison",
    "Edit",
    "MonteCarloResult",
    "Operation",
    "Plan",
    "PlanCondition",
    "PlanStep",
    "Projection",
    "Scenario",
    "Shortfall",
    "Trend",
    "Units",
    "compare",
    "fit_trend",
    "plan",
    "project",
    "simulate",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name
