// The driver behind ./run: see its header. For R rounds, runs every shape in a fresh process on both sides,
// alternating which side goes first; each side's ns/op is the median over the rounds of each process's median.
// Prints a markdown table on stdout (progress on stderr) and writes every process's JSON to
// artifacts/reactbench/<time>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatReport } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const project = join(repo, 'bench', 'ViewSync.Benchmarks');
const dll = join(project, 'bin', 'Release', 'net10.0', 'ViewSync.Benchmarks.dll');
const { shapes: allShapes } = JSON.parse(readFileSync(join(here, 'shapes.json'), 'utf8'));

const usage = 'usage: bench/reactbench/run [--rounds N] [--quick] [--shapes a,b,...] [--no-build] | --report artifacts/reactbench/<time>.json';
const options = { rounds: 7, quick: false, build: true, shapes: undefined };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--rounds' && i + 1 < args.length && /^[1-9][0-9]*$/.test(args[i + 1])) options.rounds = Number(args[++i]);
  else if (arg === '--quick') options.quick = true;
  else if (arg === '--no-build') options.build = false;
  else if (arg === '--shapes' && i + 1 < args.length) options.shapes = args[++i].split(',');
  else if (arg === '--report' && i + 1 < args.length) {
    // Prints the table of an earlier run from its raw results, without measuring anything.
    console.log(formatReport(JSON.parse(readFileSync(args[++i], 'utf8')), allShapes));
    process.exit(0);
  }
  else {
    console.error(arg === '--help' || arg === '-h' ? usage : `unexpected argument '${arg}'\n${usage}`);
    process.exit(arg === '--help' || arg === '-h' ? 0 : 2);
  }
}
if (options.quick && !args.includes('--rounds')) options.rounds = 1;

const shapes = options.shapes
  ? options.shapes.map((name) => allShapes.find((shape) => shape.name === name)
    ?? fail(`unknown shape '${name}'; the shapes are: ${allShapes.map((shape) => shape.name).join(', ')}`))
  : allShapes;

// --quick: 1/100 of the ops, 3 timed rounds, no warm-up time (the 2 minimum warm-up rounds still run).
const perProcess = options.quick ? { rounds: 3, warmupMs: 0 } : { rounds: 51, warmupMs: 500 };
const opsOf = (shape) => (options.quick ? Math.max(1, Math.ceil(shape.ops / 100)) : shape.ops);

function fail(message) {
  console.error(`reactbench: ${message}`);
  process.exit(1);
}

function step(command, commandArgs, cwd) {
  console.error(`$ ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd, stdio: ['ignore', process.stderr, 'inherit'] }); // stdout is the table's
  if (result.status !== 0) fail(`${command} ${commandArgs.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

// alien-signals exactly as package-lock.json pins it.
const lock = JSON.parse(readFileSync(join(here, 'package-lock.json'), 'utf8'));
const pinned = lock.packages['node_modules/alien-signals'].version;
const installed = join(here, 'node_modules', 'alien-signals', 'package.json');
if (!existsSync(installed) || JSON.parse(readFileSync(installed, 'utf8')).version !== pinned) {
  step('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], here);
}

if (options.build) {
  step('dotnet', ['build', relative(repo, project), '-c', 'Release', '--nologo', '-v', 'quiet'], repo);
} else if (!existsSync(dll)) {
  fail(`${relative(repo, dll)} is missing; run without --no-build`);
}

const sides = {
  viewsync: (shape) => ['dotnet', [dll, '--reactbench', shape.name, '--ops', String(opsOf(shape)),
    '--rounds', String(perProcess.rounds), '--warmup-ms', String(perProcess.warmupMs)]],
  alien: (shape) => [process.execPath, [join(here, 'shapes.mjs'), shape.name, '--ops', String(opsOf(shape)),
    '--rounds', String(perProcess.rounds), '--warmup-ms', String(perProcess.warmupMs)]],
};

function measure(side, shape) {
  const [command, commandArgs] = sides[side](shape);
  const result = spawnSync(command, commandArgs, { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) {
    fail(`${side} ${shape.name} failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  }
  const line = result.stdout.trim().split('\n').at(-1);
  const json = JSON.parse(line);
  if (json.shape !== shape.name || !(json.nsPerOp > 0)) fail(`${side} ${shape.name} printed ${line}`);
  return json;
}

const started = new Date();
const loadBefore = loadavg();
const samples = Object.fromEntries(shapes.map((shape) => [shape.name, { viewsync: [], alien: [] }]));
for (let round = 0; round < options.rounds; round++) {
  const order = round % 2 === 0 ? ['viewsync', 'alien'] : ['alien', 'viewsync'];
  for (const shape of shapes) {
    for (const side of order) {
      const json = measure(side, shape);
      samples[shape.name][side].push(json);
      console.error(`round ${round + 1}/${options.rounds}  ${shape.name.padEnd(20)} ${side.padEnd(8)} ${json.nsPerOp} ns/op`);
    }
  }
}
const loadAfter = loadavg();

const results = { started, options, loadBefore, loadAfter, samples };
console.log(formatReport(results, allShapes));

const outDir = join(repo, 'artifacts', 'reactbench');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, JSON.stringify(results, null, 2));
console.error(`raw results: ${relative(repo, outFile)} (bench/reactbench/run --report ${relative(repo, outFile)} prints the table again)`);
