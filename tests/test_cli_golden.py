"""Every ``ntm`` command's output on the bundled sample, byte for byte.

The golden files in ``tests/golden/`` were recorded with ``python scripts/golden.py record``.
A change that alters any output must re-record them and say why in the commit.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
assert _spec is not None
assert _spec.loader is not None
golden = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("golden", golden)
_spec.loader.exec_module(golden)


@pytest.mark.parametrize("name", sorted(golden.COMMANDS))
def test_output_is_unchanged(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = (golden.GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert golden.run(golden.COMMANDS[name]) == expected
