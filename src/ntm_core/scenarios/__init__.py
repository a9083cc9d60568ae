"""Scenarios, projections and the probability of meeting the target (issue 12).

``project``-style trends (:func:`fit_trend`) and Monte Carlo draws
(:func:`simulate`), each draw decided by the batch engine, in this process or
on Dask.

.. versionadded:: 0.2.0
"""

from ntm_core._core import publish
from ntm_core.scenarios._project import Attainment, Projection, project
from ntm_core.scenarios._projection import MonteCarloResult, simulate
from ntm_core.scenarios._trend import Trend, fit_trend

__all__ = [
    "Attainment",
    "MonteCarloResult",
    "Projection",
    "Trend",
    "fit_trend",
    "project",
    "simulate",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name
