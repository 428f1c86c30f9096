#!/usr/bin/env node
// The alien-signals side of the comparison: every shape and micro-op of shared/BENCH_SHAPES.md, measured
// exactly like the C# runner (bench/ViewSync.Benchmarks/ReactBench/ReactBench.cs):
//   min(ops, 10,000) single ops, each followed by the shape's check (a wrong value throws);
//   untimed rounds of `ops` ops for at least the warm-up time (at least 2 rounds);
//   one full GC; then timed rounds of `ops` ops (the clock around the loop only, the check after each
//   round's last op). ns/op is the median of the rounds.
// One shape per process:  node shapes.mjs <shape> [--ops N] [--rounds R] [--warmup-ms W]  → one JSON line.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { computed, effect, endBatch, signal, startBatch } from 'alien-signals';
import { median } from './report.mjs';

export const MAX_CHECKED_OPS = 10_000;
export const MIN_WARMUP_ROUNDS = 2;
// Op values stay below this: a round that would pass it starts again from 1 (still a real change), so every
// check's arithmetic (up to 40 × v for unstable) stays inside int (the C# side) and V8's small integers.
export const MAX_VALUE = 2 ** 24;
const nextRoundStart = (v, ops) => (v + ops > MAX_VALUE ? 0 : v);

/** The shapes in table order, with the ops per round both sides run. */
export const SHAPES = JSON.parse(readFileSync(new URL('./shapes.json', import.meta.url), 'utf8')).shapes;

export const ALIEN_VERSION = JSON.parse(
  readFileSync(new URL('./node_modules/alien-signals/package.json', import.meta.url), 'utf8')).version;

function equal(expected, actual, what) {
  if (expected !== actual) {
    throw new Error(`${what}: expected ${expected}, got ${actual}.`);
  }
}

// ---- graph shapes: { counts, op(v), check(v), dispose() }, as the C# IShape ----

function deep() {
  const DEPTH = 50;
  const counts = { computed: 0, effect: 0 };
  const s = signal(0);
  let current = s;
  for (let k = 0; k < DEPTH; k++) {
    const previous = current;
    current = computed(() => { counts.computed++; return previous() + 1; });
  }
  const last = current;
  let sink = 0;
  const dispose = effect(() => { sink = last(); counts.effect++; });
  return { counts, op: (v) => s(v), check: (v) => equal(v + DEPTH, sink, 'c50'), dispose };
}

function broad() {
  const WIDTH = 50;
  const counts = { computed: 0, effect: 0 };
  const s = signal(0);
  const sinks = new Array(WIDTH).fill(0);
  const effects = [];
  for (let i = 0; i < WIDTH; i++) {
    const index = i;
    const a = computed(() => { counts.computed++; return s() + index; });
    const b = computed(() => { counts.computed++; return a() + 1; });
    effects.push(effect(() => { sinks[index] = b(); counts.effect++; }));
  }
  return {
    counts,
    op: (v) => s(v),
    check: (v) => equal(v + WIDTH, sinks[WIDTH - 1], 'b49'),
    dispose: () => { for (const stop of effects) stop(); },
  };
}

function diamond() {
  const WIDTH = 5;
  const counts = { computed: 0, effect: 0 };
  const s = signal(0);
  const branches = [];
  for (let i = 0; i < WIDTH; i++) {
    branches.push(computed(() => { counts.computed++; return s() + 1; }));
  }
  const sum = computed(() => {
    counts.computed++;
    let total = 0;
    for (const branch of branches) total += branch();
    return total;
  });
  let sink = 0;
  const dispose = effect(() => { sink = sum(); counts.effect++; });
  return { counts, op: (v) => s(v), check: (v) => equal(WIDTH * (v + 1), sink, 'sum'), dispose };
}

function triangle() {
  const WIDTH = 10;
  const counts = { computed: 0, effect: 0 };
  const s = signal(0);
  const nodes = [s];
  for (let k = 1; k <= WIDTH; k++) {
    const previous = nodes[k - 1];
    nodes.push(computed(() => { counts.computed++; return previous() + 1; }));
  }
  const sum = computed(() => {
    counts.computed++;
    let total = 0;
    for (let k = 0; k < WIDTH; k++) total += nodes[k]();
    return total;
  });
  let sink = 0;
  const dispose = effect(() => { sink = sum(); counts.effect++; });
  return { counts, op: (v) => s(v), check: (v) => equal(10 * v + 45, sink, 'sum'), dispose };
}

function mux(useArray) {
  const WIDTH = 100;
  const counts = { computed: 0, effect: 0 };
  const h = [];
  for (let i = 0; i < WIDTH; i++) h.push(signal(0));
  const m = useArray
    ? computed(() => {
      counts.computed++;
      const values = new Array(WIDTH);
      for (let i = 0; i < WIDTH; i++) values[i] = h[i]();
      return values;
    })
    : computed(() => {
      counts.computed++;
      const values = {};
      for (let i = 0; i < WIDTH; i++) values[i] = h[i]();
      return values;
    });
  const sinks = new Array(WIDTH).fill(0);
  const effects = [];
  for (let i = 0; i < WIDTH; i++) {
    const index = i;
    const k = computed(() => { counts.computed++; return m()[index]; });
    const s = computed(() => { counts.computed++; return k() + 1; });
    effects.push(effect(() => { sinks[index] = s(); counts.effect++; }));
  }
  return {
    counts,
    op: (v) => h[v % WIDTH](v),
    check: (v) => equal(v + 1, sinks[v % WIDTH], `s_${v % WIDTH}`),
    dispose: () => { for (const stop of effects) stop(); },
  };
}

function repeated() {
  const READS = 30;
  const counts = { computed: 0, effect: 0 };
  const s = signal(0);
  const c = computed(() => {
    counts.computed++;
    let total = 0;
    for (let i = 0; i < READS; i++) total += s();
    return total;
  });
  let sink = 0;
  const dispose = effect(() => { sink = c(); counts.effect++; });
  return { counts, op: (v) => s(v), check: (v) => equal(READS * v, sink, 'c'), dispose };
}

function unstable() {
  const LOOPS = 20;
  const counts = { computed: 0, effect: 0 };
  const s = signal(0);
  const doubled = computed(() => { counts.computed++; return s() * 2; });
  const inverse = computed(() => { counts.computed++; return -s(); });
  const current = computed(() => {
    counts.computed++;
    let total = 0;
    for (let i = 0; i < LOOPS; i++) total += s() % 2 !== 0 ? doubled() : inverse();
    return total;
  });
  let sink = 0;
  const dispose = effect(() => { sink = current(); counts.effect++; });
  return {
    counts,
    op: (v) => s(v),
    check: (v) => equal(LOOPS * (v % 2 !== 0 ? 2 * v : -v), sink, 'cur'),
    dispose,
  };
}

/** A 100-step counting loop: the work a good graph avoids. */
function busy() {
  let count = 0;
  for (let i = 0; i < 100; i++) count++;
  return count;
}

function avoidable() {
  const counts = { computed: 0, effect: 0 };
  const s = signal(0);
  const c1 = computed(() => { counts.computed++; return s(); });
  const c2 = computed(() => { counts.computed++; c1(); return 0; });
  const c3 = computed(() => { counts.computed++; busy(); return c2() + 1; });
  const c4 = computed(() => { counts.computed++; return c3() + 2; });
  const c5 = computed(() => { counts.computed++; return c4() + 3; });
  let sink = 0;
  const dispose = effect(() => { sink = c5(); busy(); counts.effect++; });
  return { counts, op: (v) => s(v), check: () => equal(6, sink, 'c5'), dispose };
}

const CELLX_ODD = [4, 3, 2, 1];
const CELLX_EVEN = [1, 2, 3, 4];

export function cellx(layers, batched) {
  const counts = { computed: 0, effect: 0 };
  const inputs = [signal(1), signal(2), signal(3), signal(4)];
  const effects = [];
  let current = inputs;
  for (let layer = 0; layer < layers; layer++) {
    const [p1, p2, p3, p4] = current;
    const next = [
      computed(() => { counts.computed++; return p2(); }),
      computed(() => { counts.computed++; return p1() - p3(); }),
      computed(() => { counts.computed++; return p2() + p4(); }),
      computed(() => { counts.computed++; return p3(); }),
    ];
    for (const cell of next) {
      effects.push(effect(() => { cell(); counts.effect++; }));
    }
    current = next;
  }
  const end = current;
  const endValues = [0, 0, 0, 0];
  const write = (values) => {
    for (let i = 0; i < 4; i++) inputs[i](values[i]);
  };
  return {
    counts,
    end: () => end.map((cell) => cell()),
    op: (v) => {
      const values = v % 2 !== 0 ? CELLX_ODD : CELLX_EVEN;
      if (batched) {
        startBatch();
        try {
          write(values);
        } finally {
          endBatch();
        }
      } else {
        write(values);
      }
      for (let i = 0; i < 4; i++) endValues[i] = end[i]();
    },
    check: (v) => {
      const expected = v % 2 !== 0 ? [-2, -4, 2, 3] : [-3, -6, -2, 2];
      equal(expected.join(','), end.map((cell) => cell()).join(','), 'cellx end');
    },
    dispose: () => { for (const stop of effects) stop(); },
  };
}

// ---- cases: { run(firstV, count), check(lastV), dispose() }, as the C# IReactBenchCase ----

function shapeCase(shape) {
  return {
    shape,
    run(firstV, count) {
      for (let v = firstV; v < firstV + count; v++) shape.op(v);
    },
    check: (lastV) => shape.check(lastV),
    dispose: () => shape.dispose(),
  };
}

/** The micro-operations, as bench/ViewSync.Benchmarks/Reactive/MicroOps.cs. */
function microOps() {
  const read = signal(1);
  const computedSource = signal(1);
  const lonely = signal(0);
  const observed = signal(0);
  const plusOne = computed(() => computedSource() + 1);
  plusOne();
  let sink = 0;
  let createdEffectRuns = 0;
  let created;
  const stop = effect(() => { sink = observed(); });
  const createEffectAndDispose = () => {
    const dispose = effect(() => { sink = read(); createdEffectRuns++; });
    dispose();
    return sink;
  };
  return {
    sink: () => sink,
    createdEffectRuns: () => createdEffectRuns,
    lastCreated: () => created,
    readSignal(count) {
      let total = 0;
      for (let i = 0; i < count; i++) total += read();
      return total;
    },
    readComputed(count) {
      let total = 0;
      for (let i = 0; i < count; i++) total += plusOne();
      return total;
    },
    setUnobserved(firstV, count) {
      for (let v = firstV; v < firstV + count; v++) lonely(v);
      return lonely();
    },
    setObserved(firstV, count) {
      for (let v = firstV; v < firstV + count; v++) observed(v);
    },
    createSignals(firstV, count) {
      for (let v = firstV; v < firstV + count; v++) created = signal(v);
    },
    createEffectsAndDispose(count) {
      for (let i = 0; i < count; i++) createEffectAndDispose();
    },
    dispose: stop,
  };
}

function microCase(run, expected, what) {
  const ops = microOps();
  let observedValue = 0;
  let lastCount = 0;
  let done = 0;
  return {
    run(firstV, count) {
      observedValue = run(ops, firstV, count);
      lastCount = count;
      done += count;
    },
    check: (lastV) => equal(expected(lastV, lastCount, done), observedValue, what),
    dispose: () => ops.dispose(),
  };
}

function cellxBuildCase(layers) {
  let end = [];
  let effectRuns = 0;
  return {
    run(firstV, count) {
      for (let i = 0; i < count; i++) {
        const shape = cellx(layers, true);
        end = shape.end();
        effectRuns = shape.counts.effect;
        shape.dispose();
      }
    },
    check() {
      equal('-3,-6,-2,2', end.join(','), 'cellx build end');
      equal(4 * layers, effectRuns, 'cellx build effect runs');
    },
    dispose() {},
  };
}

const CASES = {
  'read-signal': () => microCase((ops, _, count) => ops.readSignal(count), (_, count) => count, 'total'),
  'read-computed': () => microCase((ops, _, count) => ops.readComputed(count), (_, count) => 2 * count, 'total'),
  'set-unobserved': () => microCase((ops, first, count) => ops.setUnobserved(first, count), (v) => v, 'signal'),
  'set-observed': () => microCase((ops, first, count) => { ops.setObserved(first, count); return ops.sink(); }, (v) => v, 'effect sink'),
  'create-signal': () => microCase((ops, first, count) => { ops.createSignals(first, count); return ops.lastCreated()(); }, (v) => v, 'created signal'),
  'create-effect': () => microCase((ops, _, count) => { ops.createEffectsAndDispose(count); return ops.createdEffectRuns(); }, (_, __, done) => done, 'effect runs'),
  deep: () => shapeCase(deep()),
  broad: () => shapeCase(broad()),
  diamond: () => shapeCase(diamond()),
  triangle: () => shapeCase(triangle()),
  mux: () => shapeCase(mux(false)),
  'mux-array': () => shapeCase(mux(true)),
  repeated: () => shapeCase(repeated()),
  unstable: () => shapeCase(unstable()),
  avoidable: () => shapeCase(avoidable()),
  'cellx1000-batched': () => shapeCase(cellx(1000, true)),
  'cellx1000-unbatched': () => shapeCase(cellx(1000, false)),
  'cellx1000-build': () => cellxBuildCase(1000),
};

/** A fresh instance of the shape called `name`. */
export function createCase(name) {
  const create = CASES[name];
  if (!create) {
    throw new Error(`Unknown shape '${name}'; the shapes are: ${Object.keys(CASES).join(', ')}.`);
  }
  return create();
}

export const CASE_NAMES = Object.keys(CASES);

let gc = globalThis.gc;
function fullGc() {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
  }
  gc();
}

/** Measures one shape in this process; see the top of the file. */
export function measure(name, { ops, rounds = 51, warmupMs = 500 }) {
  if (!(ops >= 1 && ops <= MAX_VALUE) || !(rounds >= 1) || !(warmupMs >= 0)) {
    throw new Error(`Bad settings: ops ${ops}, rounds ${rounds}, warm-up ${warmupMs} ms.`);
  }
  const bench = createCase(name);
  try {
    let v = 0;
    const checkedOps = Math.min(ops, MAX_CHECKED_OPS);
    for (let i = 0; i < checkedOps; i++) {
      v++;
      bench.run(v, 1);
      bench.check(v);
    }

    let warmupRounds = 0;
    const warmupStart = performance.now();
    while (warmupRounds < MIN_WARMUP_ROUNDS || performance.now() - warmupStart < warmupMs) {
      v = nextRoundStart(v, ops);
      bench.run(v + 1, ops);
      v += ops;
      bench.check(v);
      warmupRounds++;
    }

    fullGc();

    const roundsNsPerOp = [];
    for (let r = 0; r < rounds; r++) {
      v = nextRoundStart(v, ops);
      const start = process.hrtime.bigint();
      bench.run(v + 1, ops);
      const end = process.hrtime.bigint();
      v += ops;
      bench.check(v);
      roundsNsPerOp.push(Number(end - start) / ops);
    }

    return { shape: name, opsPerRound: ops, checkedOps, warmupRounds, roundsNsPerOp, nsPerOp: median(roundsNsPerOp) };
  } finally {
    bench.dispose();
  }
}

export function toJson(result) {
  const round3 = (x) => Math.round(x * 1000) / 1000;
  return JSON.stringify({
    side: 'alien-signals',
    shape: result.shape,
    runtime: `node ${process.version}, alien-signals ${ALIEN_VERSION}`,
    opsPerRound: result.opsPerRound,
    checkedOps: result.checkedOps,
    warmupRounds: result.warmupRounds,
    rounds: result.roundsNsPerOp.length,
    nsPerOp: round3(result.nsPerOp),
    roundsNsPerOp: result.roundsNsPerOp.map(round3),
  });
}

function main(args) {
  const usage = 'usage: node shapes.mjs <shape> [--ops N] [--rounds R] [--warmup-ms W]   (or --list)';
  if (args.length === 1 && args[0] === '--list') {
    for (const name of CASE_NAMES) console.log(name);
    return 0;
  }
  let name;
  const settings = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const number = () => {
      const value = Number(args[++i]);
      if (!Number.isInteger(value)) throw new Error(`${arg} needs a whole number. ${usage}`);
      return value;
    };
    if (arg === '--ops') settings.ops = number();
    else if (arg === '--rounds') settings.rounds = number();
    else if (arg === '--warmup-ms') settings.warmupMs = number();
    else if (name === undefined && !arg.startsWith('--')) name = arg;
    else {
      console.error(`shapes.mjs: unexpected argument '${arg}'. ${usage}`);
      return 2;
    }
  }
  const spec = SHAPES.find((shape) => shape.name === name);
  if (!spec || !CASES[name]) {
    console.error(`${usage}\nshapes: ${CASE_NAMES.join(', ')}`);
    return 2;
  }
  settings.ops ??= spec.ops;
  console.log(toJson(measure(name, settings)));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
