"""Administrative units and the dated administrative tree.

Vietnam's administrative tree changes with reforms (2020, 2025-01-01,
2025-07-01), so every unit carries the half-open interval in which it
existed. Codes are the General Statistics Office (GSO) codes, kept as
strings because leading zeros matter (``"00001"`` is Phúc Xá, Hà Nội).

An :class:`AdminTree` holds every version of every unit plus a lineage
table (which old units a new unit was made of); :meth:`AdminTree.as_of`
gives the tree on one day as an :class:`AdminSnapshot`, whose integer
parent indices make roll-ups array reductions (:func:`numpy.bincount`).

>>> import datetime as dt
>>> unit = AdminUnit.from_mapping(
...     {"code": "18073", "name": "Phường Nam Hà", "level": "ward", "parent_code": "436"}
... )
>>> unit.level
<AdminLevel.WARD: 'ward'>
>>> unit.exists_on(dt.date(2024, 1, 1))
True

.. versionadded:: 0.1.0
"""

from ntm_core._core import publish
from ntm_core.admin._files import load_lineage_csv, load_units_csv
from ntm_core.admin._level import AdminLevel
from ntm_core.admin._lineage import CarriedResult, LineageLink, LineageShare, count_reached
from ntm_core.admin._snapshot import AdminSnapshot, _rebuild_snapshot
from ntm_core.admin._tree import AdminTree, _rebuild_tree
from ntm_core.admin._unit import AdminUnit, UnknownUnitError, _rebuild_unit

__all__ = [
    "AdminLevel",
    "AdminSnapshot",
    "AdminTree",
    "AdminUnit",
    "CarriedResult",
    "LineageLink",
    "LineageShare",
    "UnknownUnitError",
    "count_reached",
    "load_lineage_csv",
    "load_units_csv",
]

publish(globals(), __all__)  # documented (and pickled) under this module's name

# Pickles name the functions that rebuild a unit, a snapshot and a tree. Home them here,
# the path that pickles made before ``admin`` became a package already use
# (``ntm_core.admin._rebuild_unit``), so that moving a private module never breaks a pickle.
for _rebuild in (_rebuild_unit, _rebuild_snapshot, _rebuild_tree):
    _rebuild.__module__ = __name__
del _rebuild
