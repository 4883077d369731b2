#!/usr/bin/env bash
# Set up, build, serve and test the book. Every step is idempotent.
#
#   ./book.sh serve   set up, build, serve on http://127.0.0.1:8000
#   ./book.sh test    set up (Chromium included) and run every test
#   ./book.sh build   set up and build into site/
#   ./book.sh bench   set up and print the performance figures
set -euo pipefail
cd "$(dirname "$0")"

setup() {
  if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
  if [ ! -d node_modules/pyodide ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  npm run --silent build:editor >/dev/null
  # The finale's digits model is a build artefact: trained once (~10 s), never committed
  if [ ! -f demos/digits_fm.npz ]; then .venv/bin/python -m demos.train_digits; fi
  # The digits themselves, for the exact field of the training set (scikit-learn ships them)
  if [ ! -f demos/digits_data.npz ]; then .venv/bin/python -m demos.empirical_field; fi
  .venv/bin/python -m textbook.assets
}

chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

export NO_MKDOCS_2_WARNING=1
case "${1:-}" in
  serve) setup; .venv/bin/mkdocs serve --dev-addr 127.0.0.1:8000 ;;
  build) setup; .venv/bin/mkdocs build --strict ;;
  test)  setup; chromium; .venv/bin/python -m pytest "${@:2}" ;;
  bench) setup; chromium; .venv/bin/python tests/benchmark.py "${@:2}" ;;
  *) echo "usage: $0 serve|build|test|bench" >&2; exit 2 ;;
esac
