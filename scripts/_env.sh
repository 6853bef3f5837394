# Shared by start.sh and test.sh: make sure .venv exists and holds the pinned requirements.
# Installs again only when a requirements file changed (hash kept in .venv/.requirements.sha).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REQ=${1:-requirements.txt}
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Installerar python3-venv …" >&2
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "$PY" -m venv .venv
    else
      echo "Python-paketet venv saknas: kör 'sudo apt-get install python3-venv' och försök igen." >&2
      exit 1
    fi
  fi
fi
want=$(cat requirements*.txt | sha256sum | cut -c1-64)-$REQ
if [ "$(cat .venv/.requirements.sha 2>/dev/null)" != "$want" ]; then
  echo "Installerar Python-paket från $REQ (bara första gången) …" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$REQ"
  echo "$want" > .venv/.requirements.sha
fi
