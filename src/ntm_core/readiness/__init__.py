"""Province readiness: roll-ups, higher-level decisions, blocking analysis and targets.

The question coordination offices answer every year: *how close is the
province to its target, and what blocks it?* Communes are assessed on the
batch path; districts, towns and the province are then decided from their
own criteria **and** from the assessments of their children (Decision
320/QĐ-TTg: 100% of communes at standard, ≥10% advanced…; Decision
321/QĐ-TTg: 100% of districts, ≥40% of communes advanced…), with the
shares computed by array reductions over the administrative tree
(:class:`~ntm_core.admin.AdminSnapshot`).

Where things live: ``_assess`` (assess_province, assess_provinces), ``_levels``
(one level on the batch path), ``_rollup`` (array reductions over the tree),
``_conditions`` (the province's conditions and gaps), ``_gaps`` (blocking
units, most failed criteria, closest communes), ``_model`` (the report and
its records), ``_labels`` (synthetic values, illustrative and overridden
thresholds), ``_files`` (recognitions and targets files), ``_targets`` (programme targets:
263/QĐ-TTg's regional targets for 2025), ``_year`` (the year's results:
increases over the previous period), ``_render`` (text, JSON, Markdown, HTML),
``_sheets`` (workbook sheets and DataFrames), ``_display`` (repr and notebook HTML),
``_plots`` (``report.plot``).

.. versionadded:: 0.1.0
"""

import warnings

from ntm_core._core import publish
from ntm_core.readiness._assess import assess_province, assess_provinces
from ntm_core.readiness._conditions import ConditionStatus
from ntm_core.readiness._files import read_recognitions, read_targets
from ntm_core.readiness._gaps import ClosestUnit, CriterionFailures
from ntm_core.readiness._labels import ReportLabels, ThresholdNote
from ntm_core.readiness._levels import LevelResult
from ntm_core.readiness._model import (
    PlanTarget,
    PlanTargetProgress,
    ProvinceReadiness,
    ProvincesReadiness,
    Recognition,
    TargetMeasure,
)
from ntm_core.readiness._plots import ReadinessPlots
from ntm_core.readiness._rollup import TierCounts
from ntm_core.readiness._targets import ProgramTargets
from ntm_core.readiness._year import YEAR_RESULTS_SCHEMA, YearCount, YearResults, year_results

__all__ = [
    "YEAR_RESULTS_SCHEMA",
    "ClosestUnit",
    "ConditionStatus",
    "CriterionFailures",
    "LevelResult",
    "PlanTarget",
    "PlanTargetProgress",
    "ProgramTargets",
    "ProvinceReadiness",
    "ProvincesReadiness",
    "ReadinessPlots",
    "Recognition",
    "ReportLabels",
    "TargetMeasure",
    "ThresholdNote",
    "TierCounts",
    "YearCount",
    "YearResults",
    "assess_province",
    "assess_provinces",
    "read_recognitions",
    "read_targets",
    "year_results",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name


def __getattr__(name: str) -> object:
    # TargetProgress was this package's name for PlanTargetProgress until 0.1.0;
    # ntm_core.ocop.TargetProgress is another concept.
    if name == "TargetProgress":
        warnings.warn(
            "ntm_core.readiness.TargetProgress is deprecated: use PlanTargetProgress",
            DeprecationWarning,
            stacklevel=2,
        )
        return PlanTargetProgress
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
