# Sourced by the compare scripts: bench_venv "IMPORTS" PACKAGE… makes sure bench/.venv exists and
# can `import IMPORTS` (comma-separated, Python syntax), installing PACKAGE… with pip if not.
bench_venv() {
  local imports="$1"; shift
  if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c "import $imports" 2>/dev/null; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install -q "$@"
  fi
}
