"""``export_sample`` / ``ntm sample export``: the sample as plain files every command reads back."""

from __future__ import annotations

import json

import pytest

from ntm_core.cli import main
from ntm_core.datasets import export_sample
from ntm_core.datasets._export import _SAMPLE_FILES
from ntm_core.exceptions import InputError


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return export_sample(tmp_path_factory.mktemp("sample") / "nested" / "dir")[0].parent


def test_export_writes_every_file_unchanged(exported):
    assert sorted(p.name for p in exported.iterdir()) == sorted(_SAMPLE_FILES)
    for name, source in _SAMPLE_FILES.items():
        assert (exported / name).read_bytes() == source.read_bytes(), name


def test_export_never_overwrites_without_force(tmp_path, capsys):
    (tmp_path / "units.csv").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"would overwrite units\.csv; pass force=True"):
        export_sample(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["units.csv"]  # nothing written
    assert (tmp_path / "units.csv").read_text(encoding="utf-8") == "mine\n"
    capsys.readouterr()
    assert main(["sample", "export", str(tmp_path)]) == 1
    assert "--force" in capsys.readouterr().err
    code, out = run(capsys, "sample", "export", str(tmp_path), "--force")
    assert code == 0
    assert "wrote 9 files" in out
    assert "SYNTHETIC" in out
    assert (tmp_path / "units.csv").read_bytes() == _SAMPLE_FILES["units.csv"].read_bytes()


def test_export_refuses_a_file_as_directory(tmp_path):
    target = tmp_path / "file"
    target.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="is not a directory"):
        export_sample(target, force=True)


@pytest.mark.parametrize(
    "command",
    [
        ("assess", "--on", "2022-12-31"),
        ("assess", "--on", "2021-12-31", "--format", "json"),
        ("assess", "--on", "2024-12-31", "--level", "district", "--format", "csv"),
        ("explain", "--unit", "18850", "--on", "2021-12-31"),
        ("explain", "--unit", "18814", "--on", "2022-12-31", "--format", "json"),
    ],
)
def test_assess_and_explain_read_the_export_as_the_sample(exported, capsys, command):
    code, bundled = run(capsys, *command)
    assert code == 0
    data = str(exported / "observations.csv")
    sheet = str(exported / "thresholds.csv")
    code, own = run(capsys, command[0], data, *command[1:], "--scope", "ha-tinh",
                    "--thresholds", sheet)  # fmt: skip
    assert code == 0
    label = "Bundled Hà Tĩnh sample: real units, SYNTHETIC values, illustrative thresholds.\n"
    if "json" not in command and "csv" not in command:
        assert bundled.startswith(label)  # said in the text formats
        bundled = bundled.removeprefix(label)
    assert own == bundled


def _without_labels(data: dict[str, object]) -> dict[str, object]:
    data = {k: v for k, v in data.items() if k != "synthetic"}
    ocop = dict(data["ocop"])  # type: ignore[call-overload]
    for key in ("synthetic", "source", "unit_names"):
        ocop.pop(key)
    data["ocop"] = ocop
    return data


@pytest.mark.parametrize("on", ["2021-12-31", "2022-12-31"])
def test_readiness_reads_the_export_as_the_sample(exported, capsys, on):
    code, bundled = run(capsys, "readiness", "--on", on, "--format", "json")
    assert code == 0
    files = {
        "--units": "units.csv",
        "--thresholds": "thresholds.csv",
        "--recognitions": "recognitions.csv",
        "--residential-areas": "residential-areas.csv",
        "--targets": "targets.toml",
        "--products": "ocop-products.csv",
    }
    options = [x for flag, name in files.items() for x in (flag, str(exported / name))]
    code, own = run(capsys, "readiness", str(exported / "observations.csv"), "--on", on,
                    *options, "--format", "json")  # fmt: skip
    assert code == 0
    mine, theirs = json.loads(own), json.loads(bundled)
    assert mine["synthetic"] is False  # own data are not labelled as the bundled sample
    assert theirs["synthetic"] is True
    assert _without_labels(mine) == _without_labels(theirs)
    assert mine["year_results"]["year"] == int(on[:4])


def test_ocop_reads_the_export_as_the_sample(exported, capsys):
    code, bundled = run(capsys, "ocop", "--on", "2022-12-31")
    assert code == 0
    code, own = run(capsys, "ocop", str(exported / "ocop-products.csv"), "--on", "2022-12-31",
                    "--targets", str(exported / "ocop-targets.toml"))  # fmt: skip
    assert code == 0
    differ = [(a, b) for a, b in zip(bundled.splitlines(), own.splitlines(), strict=True) if a != b]
    assert differ == [
        ("source: bundled Hà Tĩnh sample (SYNTHETIC)", f"source: {exported / 'ocop-products.csv'}")
    ]


def test_assess_without_data_runs_on_the_labelled_sample(capsys):
    code, out = run(capsys, "assess", "--on", "2021-12-31")
    assert code == 0
    assert "182 units under ha-tinh.commune.standard@2016-2020" in out
    code, out = run(capsys, "explain", "--unit", "18850", "--on", "2021-12-31", "--period", "2020")
    assert code == 0
    assert "Xã Kỳ Lạc (18850) — 2020" in out
