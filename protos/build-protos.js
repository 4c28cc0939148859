#!/usr/bin/env node
/*
 * Generates the UDF worker's protocol code (npm run build:protos).
 *
 * Inputs: the Beam Fn API protos bundled inside the pinned flink-python jar (extracted here, so they
 * always match the Beam version Flink runs: 2.54.0 for Flink 2.3) and protos/flink/
 * flink-fn-execution.proto (flink release-2.3, checked in). Outputs (gitignored, regenerated when an
 * input changes): src/worker/generated/protos.{js,d.ts} (protobufjs static module) and a copy of the
 * .js under dist/ for the compiled worker.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const jar = path.join(root, 'src/jvm/target/lib/flink-python-2.3.0.jar');
const vendorDir = path.join(__dirname, 'vendor');
const outDir = path.join(root, 'src/worker/generated');
const distDir = path.join(root, 'dist/src/worker/generated');
const flinkProto = path.join(__dirname, 'flink/flink-fn-execution.proto');
const beamProtos = [
  'org/apache/beam/model/fn_execution/v1/beam_fn_api.proto',
  'org/apache/beam/model/fn_execution/v1/beam_provision_api.proto',
  'org/apache/beam/model/pipeline/v1/beam_runner_api.proto',
  'org/apache/beam/model/pipeline/v1/endpoints.proto',
  'org/apache/beam/model/pipeline/v1/metrics.proto',
];

if (!fs.existsSync(jar)) {
  console.error(`build:protos: ${jar} is missing; run the Maven build (install.sh) first`);
  process.exit(1);
}

const stampInput = fs.statSync(jar).size + ':' + fs.readFileSync(flinkProto, 'utf8') + fs.readFileSync(__filename, 'utf8');
const stamp = crypto.createHash('sha256').update(stampInput).digest('hex');
const stampFile = path.join(outDir, '.stamp');
const outputs = [path.join(outDir, 'protos.js'), path.join(outDir, 'protos.d.ts'), path.join(distDir, 'protos.js')];
if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp && outputs.every((f) => fs.existsSync(f))) {
  process.exit(0);
}

fs.rmSync(vendorDir, { recursive: true, force: true });
fs.mkdirSync(vendorDir, { recursive: true });
execFileSync('unzip', ['-q', '-o', jar, ...beamProtos, '-d', vendorDir]);
// protobufjs cannot parse aggregate (message-literal) custom options such as Beam's
// monitoring_info_spec annotations on enum values; they carry no wire-format information.
for (const p of beamProtos) {
  const file = path.join(vendorDir, p);
  fs.writeFileSync(file, stripAggregateOptions(fs.readFileSync(file, 'utf8')));
}

const bin = (name) => path.join(root, 'node_modules/.bin', name);
fs.mkdirSync(outDir, { recursive: true });
const js = path.join(outDir, 'protos.js');
const pbjs = (out, ...flags) =>
  execFileSync(bin('pbjs'), [
    '-t', 'static-module', '-w', 'commonjs', '--keep-case', '--force-long', '--no-verify', '--no-delimited',
    ...flags, '-p', vendorDir, '-o', out, ...beamProtos.map((p) => path.join(vendorDir, p)), flinkProto,
  ], { stdio: 'inherit' });
// pbts derives the typings from the JSDoc of a commented build; the runtime copy has no comments.
const commented = path.join(vendorDir, 'protos-commented.js');
pbjs(commented);
execFileSync(bin('pbts'), ['--no-comments', '-o', path.join(outDir, 'protos.d.ts'), commented], { stdio: 'inherit' });
pbjs(js, '--no-beautify', '--no-comments');
fs.mkdirSync(distDir, { recursive: true });
fs.copyFileSync(js, path.join(distDir, 'protos.js'));
fs.writeFileSync(stampFile, stamp);
console.log('build:protos: generated src/worker/generated/protos.{js,d.ts}');

/** Removes `[(option) = { ... }]` blocks (balanced braces, strings respected). */
function stripAggregateOptions(text) {
  let out = '';
  let i = 0;
  for (;;) {
    const start = text.indexOf('[(', i);
    if (start < 0) return out + text.slice(i);
    let j = start + 2;
    let depth = 0;
    let sawBrace = false;
    let inString = false;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') (depth++, (sawBrace = true));
      else if (c === '}') depth--;
      else if (c === ']' && depth === 0) break;
    }
    out += text.slice(i, start);
    if (!sawBrace) out += text.slice(start, j + 1);
    i = j + 1;
  }
}
