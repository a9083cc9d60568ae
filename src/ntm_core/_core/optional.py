"""Optional dependencies (pandas, matplotlib, openpyxl, pyarrow, dask, tqdm), imported lazily.

``import ntm_core`` needs only attrs, pint and numpy. A feature that needs more
imports it on first use through :func:`require`, which says how to install it
when it is missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ntm_core.exceptions import MissingDependencyError

__all__ = ["require"]

# The extra of ntm-core that installs each optional module.
EXTRAS = {
    "pandas": "pandas",
    "matplotlib": "plot",
    "matplotlib.pyplot": "plot",
    "openpyxl": "excel",
    "pyarrow": "arrow",
    "pyarrow.csv": "arrow",
    "dask": "dask",
    "distributed": "dask",
    "tqdm": "progress",
}


def require(module: str, *, feature: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise an error that says how to install it.

    Raises:
        MissingDependencyError: ``module`` is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = EXTRAS.get(module, module.partition(".")[0])
        raise MissingDependencyError(module=module, feature=feature, extra=extra) from None
