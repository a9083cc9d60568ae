"""Record (or check) the CLI's outputs on the bundled sample as golden files.

``python scripts/golden.py record`` rewrites tests/golden/; the test
``tests/test_cli_golden.py`` compares every command against them, so a
refactoring that changes an output byte shows up as a failing test.
"""

import io
import json
import sys
from pathlib import Path

from ntm_core.cli import main

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"
SHEET = "src/ntm_core/datasets/ha_tinh/sample-thresholds.csv"
COMMUNES = str(GOLDEN / "communes-2024.csv")  # the sample's 2024 commune rows, region BTB

COMMANDS = {
    "convert": ["convert", "45 triệu đồng/người/năm", "--to", "VND/person/year"],
    "rules-list": ["rules", "list"],
    "rules-show": ["rules", "show", "vn.commune.standard@2021-2025", "--region", "BTB"],
    "rules-show-json": [
        "rules",
        "show",
        "vn.commune.standard@2021-2025",
        "--region",
        "BTB",
        "--format",
        "json",
    ],
    "rules-diff": [
        "rules",
        "diff",
        "vn.commune.standard@2016-2020",
        "vn.commune.standard@2021-2025",
    ],
    "rules-template": ["rules", "template", "vn.commune.standard@2021-2025", "--region", "BTB"],
    "readiness": ["readiness", "--province", "42", "--on", "2024-12-31", "--target", "2025"],
    "readiness-json": [
        "readiness",
        "--province",
        "42",
        "--on",
        "2024-12-31",
        "--target",
        "2025",
        "--format",
        "json",
    ],
    "readiness-md": [
        "readiness",
        "--province",
        "42",
        "--on",
        "2024-12-31",
        "--target",
        "2025",
        "--format",
        "md",
    ],
    "readiness-html": [
        "readiness",
        "--province",
        "42",
        "--on",
        "2024-12-31",
        "--target",
        "2025",
        "--format",
        "html",
    ],
    "assess": [
        "assess",
        COMMUNES,
        "--on",
        "2024-12-31",
        "--thresholds",
        SHEET,
        "--scope",
        "ha-tinh",
    ],
    "assess-json": [
        "assess",
        COMMUNES,
        "--on",
        "2024-12-31",
        "--thresholds",
        SHEET,
        "--scope",
        "ha-tinh",
        "--format",
        "json",
    ],
    "assess-csv": [
        "assess",
        COMMUNES,
        "--on",
        "2024-12-31",
        "--thresholds",
        SHEET,
        "--scope",
        "ha-tinh",
        "--format",
        "csv",
    ],
    "explain": [
        "explain",
        COMMUNES,
        "--unit",
        "18814",
        "--on",
        "2024-12-31",
        "--thresholds",
        SHEET,
        "--scope",
        "ha-tinh",
    ],
    "explain-vi-json": [
        "explain",
        COMMUNES,
        "--unit",
        "18814",
        "--on",
        "2024-12-31",
        "--thresholds",
        SHEET,
        "--scope",
        "ha-tinh",
        "--lang",
        "vi",
        "--format",
        "json",
    ],
    "ocop": ["ocop", "--on", "2024-12-31"],
    "ocop-json": ["ocop", "--on", "2024-12-31", "--format", "json"],
    "ocop-vi": ["ocop", "--on", "2024-12-31", "--lang", "vi"],
}


def run(argv: list[str]) -> str:
    out = io.StringIO()
    code = main(argv, out=out)
    return json.dumps({"exit": code}) + "\n" + out.getvalue()


if __name__ == "__main__":
    if sys.argv[1:] == ["record"]:
        GOLDEN.mkdir(exist_ok=True)
        for name, argv in COMMANDS.items():
            (GOLDEN / f"{name}.txt").write_text(run(argv), encoding="utf-8")
        print(f"recorded {len(COMMANDS)} outputs in {GOLDEN}")
