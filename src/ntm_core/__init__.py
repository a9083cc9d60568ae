"""ntm_core: Vietnam's New Rural Development (NTM) and OCOP criteria as versioned, cited rules.

One import gives what a user needs; the machinery lives in the sub-packages.

>>> import ntm_core as ntm
>>> s = ntm.sample()                      # the bundled Hà Tĩnh sample: SYNTHETIC values
>>> report = ntm.readiness(s, on="2024-12-31", target=2025)
>>> report.province.name, report.period
('Tỉnh Hà Tĩnh', 2024)
>>> ntm.Outcome.MET & ntm.Outcome.NOT_MET
<Outcome.NOT_MET: 'not_met'>
"""

from ntm_core._api import (
    assess,
    explain,
    ocop_portfolio,
    project,
    rate_ocop,
    read_observations,
    sample,
)
from ntm_core._api import callable_readiness_package as _callable_readiness_package
from ntm_core._core import publish
from ntm_core._core.vocabulary import (
    Citation,
    CommuneGroup,
    Outcome,
    Provenance,
    Region,
    RuleLevel,
    Tier,
)
from ntm_core._version import __version__
from ntm_core.admin import (
    AdminLevel,
    AdminSnapshot,
    AdminTree,
    AdminUnit,
    CarriedResult,
    LineageLink,
    LineageShare,
    UnknownUnitError,
    count_reached,
    load_lineage_csv,
    load_units_csv,
)
from ntm_core.datasets import Sample, export_sample
from ntm_core.engine import Assessment, BatchResult, Observations
from ntm_core.exceptions import (
    DataError,
    InputError,
    InputErrors,
    MissingDependencyError,
    NtmCoreError,
    OutputError,
    RuleDefinitionError,
    RuleNotInForceError,
    UnitMismatchError,
    UnknownIndicatorError,
)
from ntm_core.ocop import OcopBatch, OcopProduct, Portfolio
from ntm_core.readiness import ProvinceReadiness
from ntm_core.rules import Rulebook
from ntm_core.scenarios import Scenario, compare, plan
from ntm_core.units import to_canonical

__all__ = [
    "AdminLevel",
    "AdminSnapshot",
    "AdminTree",
    "AdminUnit",
    "Assessment",
    "BatchResult",
    "CarriedResult",
    "Citation",
    "CommuneGroup",
    "DataError",
    "InputError",
    "InputErrors",
    "LineageLink",
    "LineageShare",
    "MissingDependencyError",
    "NtmCoreError",
    "Observations",
    "OcopBatch",
    "OcopProduct",
    "Outcome",
    "OutputError",
    "Portfolio",
    "Provenance",
    "ProvinceReadiness",
    "Region",
    "RuleDefinitionError",
    "RuleLevel",
    "RuleNotInForceError",
    "Rulebook",
    "Sample",
    "Scenario",
    "Tier",
    "UnitMismatchError",
    "UnknownIndicatorError",
    "UnknownUnitError",
    "__version__",
    "assess",
    "compare",
    "count_reached",
    "explain",
    "export_sample",
    "load_lineage_csv",
    "load_units_csv",
    "ocop_portfolio",
    "plan",
    "project",
    "rate_ocop",
    "read_observations",
    "readiness",
    "sample",
    "to_canonical",
]

publish(globals(), __all__)  # documented (and pickled) as ntm_core.X

# ``ntm.readiness(...)`` runs the report; ``ntm_core.readiness`` stays the package of its types.
readiness = _callable_readiness_package()
