"""The ``ntm`` command line: exit codes 0 / 1 / 2 and messages without tracebacks."""

import io

import pytest

import ntm_core
from ntm_core.cli import main


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_version(capsys):
    code, _ = run("--version")
    assert code == 0
    assert capsys.readouterr().out.strip() == f"ntm {ntm_core.__version__}"


def test_no_command_prints_help_and_exits_2():
    code, out = run()
    assert code == 2
    assert "usage: ntm" in out


def test_unknown_command_is_a_usage_error(capsys):
    code, _ = run("frobnicate")
    assert code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_convert_prints_the_exact_magnitude():
    code, out = run("convert", "45 triệu đồng/người/năm", "--to", "VND/person/year")
    assert code == 0
    assert out == "45000000 VND/person/year\n"


def test_convert_shows_fractions_with_a_decimal():
    code, out = run("convert", "45.5", "--to", "million_VND/person/year")
    assert code == 0
    assert out == "91/2 (= 45.5) million_VND/person/year\n"


@pytest.mark.parametrize("value", ["45 km", "abc"])
def test_bad_input_exits_1_with_one_line(capsys, value):
    code, _ = run("convert", value, "--to", "million_VND/person/year")
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("ntm: error: value: expected a value in million_VND/person/year")
    assert "Traceback" not in err
