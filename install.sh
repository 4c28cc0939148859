#!/usr/bin/env bash
# Sets up TSFlink on this machine: npm dependencies, the pinned Flink jars and our JVM glue (Maven),
# the TypeScript build, the `tsflink` / `tsflink-shell` commands and the Jupyter kernelspec.
# Idempotent: steps whose inputs did not change are skipped, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
STAMPS="$ROOT/.tsflink/stamps"
mkdir -p "$STAMPS"

say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "install.sh: '$1' is required but not installed" >&2; exit 1; }; }
# Runs "$2..." unless the hash of the files listed by "$1" (a shell glob/list) is unchanged.
changed() {
  local name=$1; shift
  local sum
  sum=$(cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [[ -f "$STAMPS/$name" && "$(cat "$STAMPS/$name")" == "$sum" ]]; then return 1; fi
  echo "$sum" > "$STAMPS/$name.pending"
  return 0
}
done_step() { mv "$STAMPS/$1.pending" "$STAMPS/$1"; }

need node; need npm; need java; need mvn
node -e 'const [maj]=process.versions.node.split(".").map(Number); if (maj < 20) { console.error("Node >= 20 required"); process.exit(1); }'

# 1. npm dependencies, exactly as locked.
if changed npm package.json package-lock.json || [[ ! -d node_modules ]]; then
  say "npm install (versions pinned by package-lock.json)"
  # npm ci rejects this lockfile for the other platforms' optional java-bridge binaries; install is exact anyway
  npm install --no-audit --no-fund --loglevel=error
  done_step npm
fi
# `import ... from 'tsflink'` resolves to this checkout (examples, notebooks, the REPL).
ln -sfn .. node_modules/tsflink

# 2. Flink 2.3.0 jars from Maven Central + our JVM-side glue.
JAVA_SOURCES=$(find src/jvm/src -type f | sort)
if changed jvm src/jvm/pom.xml $JAVA_SOURCES || [[ ! -f src/jvm/target/tsflink-glue.jar ]]; then
  say "maven: Flink jars and tsflink-glue.jar"
  (cd src/jvm && mvn -q -B package -DskipTests)
  done_step jvm
fi

# 3. TypeScript build (plus generated protocol code for the UDF worker, when present).
TS_SOURCES=$(find src kernel shell zeppelin sql-client -name '*.ts' 2>/dev/null | sort || true)
if changed build package.json tsconfig.json $TS_SOURCES || [[ ! -d dist ]]; then
  say "build"
  if node -e "process.exit(require('./package.json').scripts['build:protos'] ? 0 : 1)"; then npm run --silent build:protos; fi
  npm run --silent build
  done_step build
fi

# 3b. Class-data-sharing archive of the classes a session start loads (src/gateway/cds.ts): faster
# session start (docs/gateway.md). Rebuilt when the jars change; without it sessions start slower.
if [[ -f dist/src/gateway/cds.js ]] && ! node dist/src/gateway/cds.js --check; then
  say "CDS archive for fast session start (about a minute)"
  node dist/src/gateway/cds.js || say "CDS archive skipped: sessions start slower"
fi

# 4. Commands on the PATH.
BIN_DIR=$(npm prefix -g)/bin
mkdir -p "$BIN_DIR"
for cmd in tsflink:dist/src/cli/tsflink.js tsflink-shell:dist/shell/main.js; do
  name=${cmd%%:*}; target=$ROOT/${cmd#*:}
  if [[ -f "$target" ]]; then
    chmod +x "$target"
    ln -sfn "$target" "$BIN_DIR/$name"
  fi
done

# 5. The Jupyter kernelspec (written directly; Jupyter itself is optional).
if [[ -f dist/kernel/install.js ]]; then
  node dist/kernel/install.js --user >/dev/null
fi

say "ready: $(command -v tsflink || echo "$BIN_DIR/tsflink")"
