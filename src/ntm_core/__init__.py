"""ntm_core: Vietnam's New Rural Development (NTM) and OCOP criteria as versioned, cited rules.

The public names are re-exported here; the machinery lives in private modules.

>>> import ntm_core
>>> ntm_core.Outcome.MET & ntm_core.Outcome.NOT_MET
<Outcome.NOT_MET: 'not_met'>
>>> ntm_core.Region.BTB.name_vi
'Bắc Trung Bộ'
"""

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
from ntm_core.exceptions import (
    DataError,
    InputError,
    NtmCoreError,
    RuleDefinitionError,
    RuleNotInForceError,
    UnitMismatchError,
    UnknownIndicatorError,
)
from ntm_core.units import to_canonical

__all__ = [
    "AdminLevel",
    "AdminSnapshot",
    "AdminTree",
    "AdminUnit",
    "CarriedResult",
    "Citation",
    "CommuneGroup",
    "DataError",
    "InputError",
    "LineageLink",
    "LineageShare",
    "NtmCoreError",
    "Outcome",
    "Provenance",
    "Region",
    "RuleDefinitionError",
    "RuleLevel",
    "RuleNotInForceError",
    "Tier",
    "UnitMismatchError",
    "UnknownIndicatorError",
    "UnknownUnitError",
    "__version__",
    "count_reached",
    "load_lineage_csv",
    "load_units_csv",
    "to_canonical",
]

publish(globals(), __all__)  # documented (and pickled) as ntm_core.X
