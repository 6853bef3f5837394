#!/usr/bin/env bash
# Start the dashboard at http://localhost:8501 (demo database generated on first start).
# Extra arguments go to streamlit, e.g. `bash scripts/start.sh --server.port 8600`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_env.sh requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
