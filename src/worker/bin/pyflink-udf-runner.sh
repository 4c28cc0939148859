#!/usr/bin/env bash
# Flink's process-mode Python environment runs "$PYFLINK_UDF_RUNNER_DIR/pyflink-udf-runner.sh"
# --id=... --provision_endpoint=...; TSFlink points that directory here, so the TypeScript worker
# stands in for PyFlink's Python harness. Output goes to the boot log Flink shows on startup failure.
set -e
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
log="${BOOT_LOG_DIR:-/tmp}/flink-python-udf-boot.log"
# like PyFlink's runner: shipped archives (python.archives) are the working directory
if [[ -n "${_PYTHON_WORKING_DIR:-}" ]]; then cd "$_PYTHON_WORKING_DIR"; fi
# V8 flags (TSFLINK_WORKER_NODE_OPTIONS can override them): a larger young generation and garbage
# collection on the worker's own thread, so collections are rarer and take no core from Flink's
# task threads beside it (measured in bench/udf.ts, see docs/udf.md § Performance)
gc_flags="--max-semi-space-size=32 --single-threaded-gc"
exec "${TSFLINK_NODE:-node}" $gc_flags ${TSFLINK_WORKER_NODE_OPTIONS:-} "$root/dist/src/worker/main.js" "$@" > >(tee -a "$log") 2>&1
