#!/usr/bin/env bash
# Kernel benchmark: start-up to first execute_reply, trivial cell p50, bounded SQL cell, time to
# the first streaming row displayed. Drives the real kernel with jupyter_client from the test venv
# (.venv/kernel-tests, created like the kernel tests do) through a private kernelspec.
# bench/kernel.sh --long [N]: a long session of N cells (default 400; issue 18 item 10 uses 2000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv/kernel-tests"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/test/kernel/requirements.txt"
fi
[ -f "$root/dist/kernel/main.js" ] || (cd "$root" && npx tsc -p tsconfig.json)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export JUPYTER_DATA_DIR="$tmp/jupyter" JUPYTER_PATH="$tmp/jupyter" JUPYTER_RUNTIME_DIR="$tmp/runtime"
export TSFLINK_KERNEL_HISTORY="$tmp/history.jsonl" TSFLINK_QUIET=1
node "$root/dist/kernel/install.js" --user >/dev/null
"$venv/bin/python" "$root/bench/kernel.py" "$root/test/kernel" "$@" 2> >(grep -v 'WARN found' >&2)
