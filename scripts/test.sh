#!/usr/bin/env bash
# Run the whole test suite, browser tests included: installs the pinned Python packages into
# .venv and Debian's Chromium when missing. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_env.sh requirements-dev.txt
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installerar Chromium för webbläsartesterna …" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium saknas: kör 'sudo apt-get install -y chromium' (webbläsartesterna får inte hoppas över)." >&2
    exit 1
  fi
fi
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "Inga tester kördes: det räknas som ett fel." >&2
  exit 1
fi
exit "$status"
