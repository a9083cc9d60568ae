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


def test_unknown_indicator_is_bad_input_naming_the_file(tmp_path, capsys):
    """An UnknownIndicatorError is also a KeyError: it must still exit 1, with its location."""
    path = tmp_path / "wide.csv"
    path.write_text("unit_code,period,nope_indicator\n18100,2024,1\n", encoding="utf-8")
    code, _ = run("assess", str(path), "--on", "2024-12-31")
    assert code == 1
    err = capsys.readouterr().err
    assert f"ntm: error: {path}, row 1, column 'nope_indicator'" in err


def test_explain_of_a_unit_not_in_the_file_names_the_file(tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text("unit_code,period,income_per_capita\n18100,2024,45\n", encoding="utf-8")
    code, _ = run("explain", str(path), "--unit", "NOT_THERE", "--on", "2024-12-31")
    assert code == 1
    err = capsys.readouterr().err
    assert str(path) in err
    assert "'NOT_THERE'" in err
    assert "Traceback" not in err


def test_every_problem_of_a_group_is_printed_with_its_location(tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_text(
        "code,name,commune_code,group,score_a,score_b,score_c,evaluated_on\n"
        "A,Cam,18196,1,x,20,30,2021-06-15\n"
        "B,Chè,18196,1,30,20,30,someday\n",
        encoding="utf-8",
    )
    code, _ = run("ocop", str(path), "--on", "2022-01-01")
    assert code == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"ntm: error: {path}, row 2, column 'score_a'")
    assert lines[1].startswith(f"ntm: error: {path}, row 3, column 'evaluated_on'")


def test_nested_groups_and_library_groups_exit_1(monkeypatch, capsys):
    from ntm_core.cli import _convert
    from ntm_core.exceptions import InputError, NtmCoreError

    class FileProblemsError(NtmCoreError, ExceptionGroup):  # the shape of a library group type
        pass

    inner = ExceptionGroup("rows", [InputError("bad", source="f.csv", row=3)])
    raised = [
        FileProblemsError("f.csv", [InputError("first", source="f.csv", row=2), inner]),
        ExceptionGroup("bare", [inner]),
    ]

    def fail(args, out):
        raise raised.pop(0)

    monkeypatch.setattr(_convert, "_cmd_convert", fail)
    for _ in range(2):
        code, _ = run("convert", "1", "--to", "percent")
        assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "ntm: error: f.csv, row 2: first",
        "ntm: error: f.csv, row 3: bad",
        "ntm: error: f.csv, row 3: bad",
    ]


def test_a_closed_pipe_ends_quietly():
    """``ntm … | head -1``: no traceback, no "Exception ignored" at exit."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(ntm_core.__file__).parents[1])}
    command = [sys.executable, "-m", "ntm_core", "ocop", "--on", "2022-12-31", "--format", "json"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline() == b"{\n"
        process.stdout.close()
        err = process.stderr.read()
        code = process.wait(timeout=60)
    assert err == b""
    assert code == 0


def test_convert_to_an_unknown_unit_is_a_clean_error(capsys):
    code, _ = run("convert", "45", "--to", "bananas")
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("ntm: error: ")
    assert "'bananas'" in err
    assert "Traceback" not in err


def test_an_unknown_scope_is_a_usage_error_naming_the_scopes(capsys):
    code, _ = run("readiness", "--on", "2024-12-31", "--scope", "nope")
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown scope 'nope'" in err
    assert "ha-tinh" in err
    assert "vn" in err


def test_decimal_comma_option(tmp_path):
    path = tmp_path / "comma.csv"
    path.write_text('unit_code,period,income_per_capita\n18100,2024,"45,5"\n', encoding="utf-8")
    code, out = run(
        "assess", str(path), "--on", "2024-12-31", "--decimal-comma", "--format", "json"
    )
    assert code == 0
    assert '"unit": "18100"' in out


TEMPLATE = ("rules", "template", "vn.commune.standard@2021-2025", "--region", "BTB")


def test_output_files_are_never_replaced_without_force(tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    code, out = run(*TEMPLATE, "-o", str(sheet))
    assert code == 0
    assert f"to {sheet}" in out
    first = sheet.read_text(encoding="utf-8")
    sheet.write_text("mine\n", encoding="utf-8")
    code, _ = run(*TEMPLATE, "-o", str(sheet))
    assert code == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert sheet.read_text(encoding="utf-8") == "mine\n"
    assert run(*TEMPLATE, "-o", str(sheet), "--force")[0] == 0
    assert sheet.read_text(encoding="utf-8") == first
    assert run(*TEMPLATE, "-o", str(tmp_path))[0] == 2
    assert "is a directory" in capsys.readouterr().err


def test_dash_is_standard_output_and_reports_go_to_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run(*TEMPLATE, "-o", "-")
    assert code == 0
    assert out == run(*TEMPLATE)[1]
    assert not (tmp_path / "-").exists()
    report = tmp_path / "ocop.json"
    code, out = run("ocop", "--on", "2022-12-31", "--format", "json", "-o", str(report))
    assert (code, out) == (0, "")
    assert report.read_text(encoding="utf-8").startswith('{\n  "schema": "ntm_core.ocop/1"')
    code, _ = run("ocop", "--on", "2022-12-31", "-o", str(report))
    assert code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["ocop.json"]  # no temporary file left


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    import os

    def broken(fd):  # the disk fills up while the one file writer writes
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    code, _ = run("ocop", "--on", "2022-12-31", "-o", str(tmp_path / "out.txt"))
    assert code == 1
    assert list(tmp_path.iterdir()) == []
