"""The bundled Hà Tĩnh sample as one value: what ``ntm.sample()`` returns.

The public names are re-exported, and documented, by :mod:`ntm_core.datasets`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from pathlib import Path

import attrs

from ntm_core._core.display import html_table, short_repr
from ntm_core.admin import AdminTree, AdminUnit
from ntm_core.engine import ATTRIBUTES, IndicatorCatalog, Observations
from ntm_core.io import read_observations
from ntm_core.ocop import OcopProduct, OcopTargets
from ntm_core.readiness import PlanTarget, Recognition, read_recognitions, read_targets
from ntm_core.rules import Rulebook

__all__ = ["Sample", "ha_tinh_sample"]

_HA_TINH = Path(__file__).parent / "ha_tinh"
_NOTICE = "SYNTHETIC values: real Hà Tĩnh units, made-up indicator values, illustrative thresholds"


def _tuple(value: Iterable[object]) -> tuple[object, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True, eq=False)
class Sample:
    """A bundled data set as one value, for :func:`ntm_core.readiness` and :func:`ntm_core.assess`.

    Everything a province run needs: observations of every level (communes,
    districts, towns, the province), the administrative tree, the rulebook
    with the sample's threshold sheet layered on, recognition decisions,
    plan targets and OCOP products with their targets. The top-level
    functions take a sample as it is and use its rulebook, scope and tree.

    >>> import ntm_core as ntm
    >>> s = ntm.sample()
    >>> s.synthetic, s.province, s.scope
    (True, '42', 'ha-tinh')
    >>> "SYNTHETIC" in repr(s)
    True

    Attributes:
        name: What the sample is, for reports and displays.
        province: The province's GSO code (``"42"`` for Hà Tĩnh).
        scope: The rule scope the sample is assessed in (``"ha-tinh"`` adds
            the province's criterion 20).
        observations: Indicator values of every level, by unit and period.
        tree: The administrative tree, with its lineage.
        rulebook: The bundled rules with the sample's *illustrative*
            threshold sheet layered on (every value from it is marked
            provisional in the results).
        recognitions: Recognition decisions (mostly synthetic).
        targets: The plan targets by year.
        ocop_products: The OCOP product portfolio (synthetic scores, real communes).
        ocop_targets: The yearly OCOP target sets.
        synthetic: Whether the values are synthetic (a sample, not measured
            data); every result made from them says so.

    .. versionadded:: 0.2.0
    """

    name: str
    province: str
    scope: str
    observations: Observations
    tree: AdminTree
    rulebook: Rulebook
    recognitions: tuple[Recognition, ...] = attrs.field(converter=_tuple)
    targets: tuple[PlanTarget, ...] = attrs.field(converter=_tuple)
    ocop_products: tuple[OcopProduct, ...] = attrs.field(converter=_tuple)
    ocop_targets: tuple[OcopTargets, ...] = attrs.field(converter=_tuple)
    synthetic: bool

    @property
    def periods(self) -> tuple[int, ...]:
        """The assessment years the observations cover, in order."""
        return tuple(sorted(set(self.observations.periods)))

    def _summary(self) -> list[tuple[str, object]]:
        periods = self.periods
        span = f"{periods[0]}–{periods[-1]}" if periods else "none"
        return [
            ("observation rows", len(self.observations)),
            ("units", len(set(self.observations.codes))),
            ("periods", span),
            ("indicators", len(self.observations.columns)),
            ("recognitions", len(self.recognitions)),
            ("plan targets", len(self.targets)),
            ("OCOP products", len(self.ocop_products)),
            ("scope", self.scope),
        ]

    def __repr__(self) -> str:
        label = "SYNTHETIC" if self.synthetic else "measured"
        periods = self.periods
        span = f"{periods[0]}-{periods[-1]}" if periods else "none"
        return short_repr(
            "Sample",
            ("name", repr(self.name)),
            ("values", label),
            ("province", self.province),
            ("rows", len(self.observations)),
            ("periods", span),
            ("ocop_products", len(self.ocop_products)),
        )

    def _repr_html_(self) -> str:
        caption = f"{self.name} ({self.province})"
        if self.synthetic:
            caption += f" — {_NOTICE}"
        return html_table(("", ""), self._summary(), caption=caption)


def _with_unit_attributes(observations: Observations, tree: AdminTree) -> Observations:
    """Observations with name, level, region and parent from the tree (the data's own win).

    Each row takes its unit as it was on the last day of the row's period.
    """
    snapshots = {p: tree.as_of(dt.date(p, 12, 31)) for p in set(observations.periods)}
    filled: dict[str, list[str | None]] = {}
    for name in ATTRIBUTES:
        given = observations.attributes.get(name)
        values: list[str | None] = []
        for row, (code, period) in enumerate(
            zip(observations.codes, observations.periods, strict=True)
        ):
            value = given[row] if given is not None else None
            snapshot = snapshots[period]
            if value is None and code in snapshot:
                value = _attribute(snapshot[code], name)
            values.append(value)
        if any(v is not None for v in values):
            filled[name] = values
    return attrs.evolve(observations, attributes=filled)


def _attribute(unit: AdminUnit, name: str) -> str | None:
    if name == "name":
        return unit.name
    if name == "level":
        return unit.level.value
    if name == "parent_code":
        return unit.parent_code
    return unit.attributes.get(name)


@functools.cache
def ha_tinh_sample() -> Sample:
    """The bundled Hà Tĩnh sample (read once; immutable): what ``ntm.sample()`` returns.

    Real administrative units (GSO codes, names, the 2025 lineage) with
    **SYNTHETIC** indicator values, recognition decisions and OCOP products,
    and an *illustrative* threshold sheet for the thresholds nobody has
    verified (see ``ha_tinh/SAMPLE.md``).

    .. versionadded:: 0.2.0
    """
    from ntm_core.datasets import ha_tinh_tree
    from ntm_core.datasets._ocop import ha_tinh_ocop_targets, ocop_sample_products

    book = Rulebook.bundled().with_thresholds(_HA_TINH / "sample-thresholds.csv")
    tree = ha_tinh_tree()
    path = _HA_TINH / "sample-observations.csv"
    observations = read_observations(path, catalog=IndicatorCatalog.from_editions(book))
    return Sample(
        name="Hà Tĩnh sample",
        province="42",
        scope="ha-tinh",
        observations=_with_unit_attributes(observations, tree),
        tree=tree,
        rulebook=book,
        recognitions=read_recognitions(_HA_TINH / "recognitions.csv"),
        targets=read_targets(_HA_TINH / "targets.toml"),
        ocop_products=ocop_sample_products(),
        ocop_targets=ha_tinh_ocop_targets(),
        synthetic=True,
    )
