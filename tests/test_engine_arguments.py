"""Bad arguments to the engine's public functions raise the library's errors, naming the argument.

Issue 14 item 7: ``assess(obs, on=None)`` used to fail with a TypeError from a comparison deep
inside, ``Ladder.for_level(level=None)`` with a bare KeyError, and ``AdminUnit(code=None)`` made a
unit coded ``"None"``.
"""

import datetime as dt

import pytest

from ntm_core import AdminLevel, AdminUnit, InputError, NtmCoreError, RuleLevel
from ntm_core.admin import UnknownUnitError
from ntm_core.datasets import ha_tinh_sample
from ntm_core.engine import Ladder, assess, explain
from ntm_core.rules import Rulebook

SAMPLE = ha_tinh_sample()
ON = dt.date(2024, 12, 31)


@pytest.mark.parametrize("on", [None, 20241231, "31/12/2024", "2024-13-01", dt.time(1)])
def test_a_bad_date_names_on(on):
    with pytest.raises(InputError, match="on="):
        assess(SAMPLE.observations, on=on, rulebook=SAMPLE.rulebook, scope="ha-tinh")


@pytest.mark.parametrize("level", [None, 3, "nope"])
def test_a_bad_level_names_level(level):
    with pytest.raises(InputError, match="level="):
        Ladder.for_level(Rulebook.bundled(), level=level, on=ON)


def test_a_level_may_be_named():
    assert Ladder.for_level(Rulebook.bundled(), level="xã", on=ON).level is RuleLevel.COMMUNE


@pytest.mark.parametrize(("argument", "value"), [("rulebook", "bundled"), ("scope", None)])
def test_a_bad_rulebook_or_scope_is_named(argument, value):
    options = {"rulebook": Rulebook.bundled(), "scope": "vn", argument: value}
    with pytest.raises(InputError, match=f"{argument}="):
        Ladder.for_level(
            options["rulebook"], level=RuleLevel.COMMUNE, on=ON, scope=options["scope"]
        )


def test_explaining_a_unit_not_in_the_data_names_the_source():
    with pytest.raises(UnknownUnitError) as info:
        explain(SAMPLE.observations, "99999", on=ON, rulebook=SAMPLE.rulebook, scope="ha-tinh")
    assert isinstance(info.value, KeyError)
    assert "99999" in str(info.value)
    assert info.value.source == SAMPLE.observations.source


def test_a_unit_with_several_periods_needs_one():
    code = SAMPLE.observations.codes[0]
    with pytest.raises(InputError, match="period"):
        explain(SAMPLE.observations, code, on=ON, rulebook=SAMPLE.rulebook, scope="ha-tinh")


@pytest.mark.parametrize("code", [None, 18073, ""])
def test_a_unit_code_must_be_text(code):
    with pytest.raises(InputError) as info:
        AdminUnit(code=code, name="Phường Nam Hà", level=AdminLevel.WARD)
    assert isinstance(info.value, NtmCoreError)
    assert "code" in str(info.value)
