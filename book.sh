#!/usr/bin/env bash
# Set up, build, serve and test the book. Every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat >&2 <<EOF
usage: $0 COMMAND

  serve [--port N]  set up, build, serve on http://127.0.0.1:8000 (or port N);
                    rebuilds when docs/, demos/ or textbook/ change
  build             set up and build into site/
  test [ARGS]       set up (Chromium included) and run the tests; ARGS go to
                    pytest, e.g. tests/test_dice.py or -k dice
  bench             set up and print the performance figures
  new-demo NAME     start a demo: demos/NAME.py, tests/test_NAME.py, docs/NAME.md
EOF
  exit 2
}

# The checkout a .venv was made for, as `python -m venv` (3.11+) recorded it
venv_made_for() { [ -f .venv/pyvenv.cfg ] && sed -n 's/^command = .* -m venv \(--[a-z-]* \)*//p' .venv/pyvenv.cfg || true; }

# A .venv copied or moved from another checkout runs that checkout's code (its
# scripts and its editable install name the old path): make a new one
python_env() {
  local made_for
  made_for=$(venv_made_for)
  if [ -n "$made_for" ] && [ "$(realpath -m -- "$made_for")" != "$(realpath -- .venv)" ]; then
    echo "book.sh: .venv was made for $made_for, not for this checkout: making a new one" >&2
    rm -rf .venv
  fi
  if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
}

setup() {
  python_env
  if [ ! -d node_modules/pyodide ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  npm run --silent build:editor >/dev/null
  # The finale's digits model is a build artefact: trained once (~10 s), never committed
  if [ ! -f demos/digits_fm.npz ]; then .venv/bin/python -m demos.train_digits; fi
  # The digits themselves, for the exact field of the training set (scikit-learn ships them)
  if [ ! -f demos/digits_data.npz ]; then .venv/bin/python -m demos.empirical_field; fi
  # Chapter 2.5's digits model, trained with label dropout for guidance, and its classifier
  if [ ! -f demos/digits_cfg.npz ]; then .venv/bin/python -m demos.train_guided_digits; fi
  .venv/bin/python -m textbook.assets
}

chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

# serve's port: 8000, or N from `--port N`
port() {
  case "$#:${1:-}" in
    0:) echo 8000 ;;
    2:--port) [[ "$2" =~ ^[0-9]+$ ]] && echo "$2" || usage ;;
    *) usage ;;
  esac
}

export NO_MKDOCS_2_WARNING=1
case "${1:-}" in
  serve)
    port=$(port "${@:2}") || exit 2
    setup
    # Serving at another address makes it the site_url, so instant navigation still works
    .venv/bin/python -m mkdocs serve --dev-addr "127.0.0.1:$port" --watch demos --watch textbook ;;
  build) setup; .venv/bin/python -m mkdocs build --strict ;;
  test)  setup; chromium; .venv/bin/python -m pytest "${@:2}" ;;
  bench) setup; chromium; .venv/bin/python tests/benchmark.py "${@:2}" ;;
  new-demo) [ $# -eq 2 ] || usage; python3 -m textbook.scaffold "$2" ;;
  *) usage ;;
esac
