"""Convert indicator values as provincial spreadsheets write them, and show a clear error.

Run: python examples/convert_units.py
"""

from ntm_core import UnitMismatchError, to_canonical

INCOME = "million_VND / person / year"

for raw in ["45 triệu đồng/người/năm", "45000001 đồng/người/năm", "0,0455 tỷ đồng/người/năm"]:
    value = to_canonical(raw, INCOME, field="income_per_capita", decimal_comma=True)
    print(f"{raw!r:32} -> {float(value):.6f} {INCOME} (exact: {value})")

try:
    to_canonical("45 km", INCOME, field="income_per_capita")
except UnitMismatchError as err:
    print(f"rejected: {err}")
