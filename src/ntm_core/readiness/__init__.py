"""Province readiness: roll-ups, higher-level decisions, blocking analysis and targets.

The question coordination offices answer every year: *how close is the
province to its target, and what blocks it?* Communes are assessed on the
batch path; districts, towns and the province are then decided from their
own criteria **and** from the assessments of their children (Decision
320/QĐ-TTg: 100% of communes at standard, ≥10% advanced…; Decision
321/QĐ-TTg: 100% of districts, ≥40% of communes advanced…), with the
shares computed by array reductions over the administrative tree.

.. versionadded:: 0.1.0
"""

from ntm_core._core import publish
from ntm_core.readiness._report import (
    ConditionStatus,
    LevelResult,
    PlanTarget,
    ProvinceReadiness,
    ProvincesReadiness,
    Recognition,
    TargetProgress,
    assess_province,
    assess_provinces,
    read_recognitions,
    read_targets,
)
from ntm_core.readiness._year import YEAR_RESULTS_SCHEMA, YearCount, YearResults, year_results

__all__ = [
    "YEAR_RESULTS_SCHEMA",
    "ConditionStatus",
    "LevelResult",
    "PlanTarget",
    "ProvinceReadiness",
    "ProvincesReadiness",
    "Recognition",
    "TargetProgress",
    "YearCount",
    "YearResults",
    "assess_province",
    "assess_provinces",
    "read_recognitions",
    "read_targets",
    "year_results",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name
