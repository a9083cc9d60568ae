#!/usr/bin/env bash
# Install everything needed into ./.venv and run the whole test suite:
# ruff, mypy --strict, the import-linter layers contract, pytest (with doctests and branch coverage), the Sphinx
# build with warnings as errors, and every script in examples/.
# Idempotent: re-running reuses .venv. Exits non-zero if any step fails.
set -u
cd "$(dirname "$0")/.." || exit 2

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || { echo "could not create .venv with $PYTHON" >&2; exit 2; }
fi
VPY=.venv/bin/python
"$VPY" -m pip install --quiet --disable-pip-version-check --upgrade pip || exit 2
"$VPY" -m pip install --quiet --disable-pip-version-check -e '.[dev]' || exit 2

failed=()
step() {
  local name=$1
  shift
  echo "==> $name"
  if "$@"; then
    echo "--> $name: ok"
  else
    echo "--> $name: FAILED"
    failed+=("$name")
  fi
}

run_examples() {
  local ok=0 script
  for script in examples/*.py; do
    [ -e "$script" ] || continue
    echo "    $script"
    if ! "$VPY" "$script" >/dev/null; then
      echo "    $script FAILED"
      ok=1
    fi
  done
  return $ok
}

step "ruff check" .venv/bin/ruff check .
step "ruff format" .venv/bin/ruff format --check .
step "mypy --strict" .venv/bin/mypy src
step "import layers" .venv/bin/lint-imports
step "pytest" "$VPY" -m pytest -p no:cacheprovider --cov --cov-report=term --cov-fail-under=95
step "docs" .venv/bin/sphinx-build -W -n --keep-going -q -b html docs docs/_build/html
step "examples" run_examples

if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "all steps passed"
