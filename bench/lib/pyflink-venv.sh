#!/usr/bin/env bash
# Creates (idempotently) the PyFlink baseline environment used by the benchmarks:
# .venv/pyflink with apache-flink 2.3.0 from PyPI — the same Flink version as TSFlink's jars.
# Its bundled jars live inside the wheel (pyflink/lib); the engine version is identical to ours.
# Usage: bench/lib/pyflink-venv.sh   → prints the venv's python path on the last line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# TSFLINK_PYFLINK_VENV: another place for it (e.g. when .venv is shared with another checkout)
VENV="${TSFLINK_PYFLINK_VENV:-$ROOT/.venv/pyflink}"
FLINK_VERSION=2.3.0
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" - "$FLINK_VERSION" <<'PYEOF' 2>/dev/null
import sys, importlib.metadata as m
sys.exit(0 if m.version("apache-flink") == sys.argv[1] else 1)
PYEOF
then
  echo "$VENV/bin/python"
  exit 0
fi

echo "[pyflink-venv] creating $VENV with apache-flink==$FLINK_VERSION (this downloads ~300 MB once)" >&2
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
"$VENV/bin/python" -m pip install --quiet "apache-flink==$FLINK_VERSION" >&2
"$VENV/bin/python" -c "import pyflink, importlib.metadata as m; print('[pyflink-venv] apache-flink', m.version('apache-flink'))" >&2
echo "$VENV/bin/python"
