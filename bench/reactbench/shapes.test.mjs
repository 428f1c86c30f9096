// Keeps the alien-signals side honest without timing anything: every shape computes the values and does exactly
// the work per op that shared/BENCH_SHAPES.md lists (as tests/ViewSync.Benchmarks.Tests/ShapeTests.cs does for
// ViewSync), the checks throw on wrong values, and the measuring code and the table work.
// Run: (cd bench/reactbench && npm ci && npm test)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatReport, formatTable, median } from './report.mjs';
import { CASE_NAMES, MIN_WARMUP_ROUNDS, SHAPES, cellx, createCase, measure } from './shapes.mjs';

const OPS = 20;

const WORK_PER_OP = {
  deep: [50, 1],
  broad: [100, 50],
  diamond: [6, 1],
  triangle: [10, 1],
  mux: [102, 1],
  'mux-array': [102, 1],
  repeated: [1, 1],
  unstable: [2, 1],
  avoidable: [2, 0],
};

for (const [name, [computedsPerOp, effectsPerOp]] of Object.entries(WORK_PER_OP)) {
  test(`${name}: each op passes the check and does exactly the listed work`, () => {
    const bench = createCase(name);
    const { shape } = bench;
    shape.op(0); // settle, as the C# test does
    for (let v = 1; v <= OPS; v++) {
      const [computeds, effects] = [shape.counts.computed, shape.counts.effect];
      bench.run(v, 1);
      bench.check(v);
      assert.equal(shape.counts.computed - computeds, computedsPerOp, `computeds at v=${v}`);
      assert.equal(shape.counts.effect - effects, effectsPerOp, `effects at v=${v}`);
    }
    bench.dispose();
  });
}

for (const name of ['set-unobserved', 'set-observed', 'create-signal', 'deep', 'broad', 'diamond', 'triangle', 'mux',
  'mux-array', 'repeated', 'unstable', 'cellx1000-batched', 'cellx1000-unbatched']) {
  test(`${name}: a check against another value than the last op's fails`, () => {
    const bench = createCase(name);
    bench.run(1, 4);
    bench.check(4);
    assert.throws(() => bench.check(5), /expected/);
    bench.dispose();
  });
}

for (const batched of [true, false]) {
  test(`cellx 1000 ${batched ? 'batched' : 'unbatched'} ends as the reference says`, () => {
    const shape = cellx(1000, batched);
    assert.deepEqual(shape.end(), [-3, -6, -2, 2]);
    assert.equal(shape.counts.effect, 4000);
    for (let v = 1; v <= 4; v++) {
      shape.op(v);
      shape.check(v);
    }
    const before = shape.counts.effect;
    shape.op(5);
    if (batched) assert.ok(shape.counts.effect - before <= 4000, 'a batched op runs each effect at most once');
    shape.dispose();
    const disposed = shape.counts.effect;
    shape.op(6);
    assert.equal(shape.counts.effect, disposed, 'disposed effects no longer run');
  });
}

test('the micro-operations count their ops', () => {
  const reads = createCase('read-computed');
  reads.run(1, 7);
  reads.check(7);
  const effects = createCase('create-effect');
  effects.run(1, 5);
  effects.run(6, 2);
  effects.check(7);
});

test('the cases are the shapes of shapes.json, in its order', () => {
  assert.deepEqual(CASE_NAMES, SHAPES.map((shape) => shape.name));
  for (const shape of SHAPES) assert.ok(Number.isInteger(shape.ops) && shape.ops >= 1, shape.name);
});

test('alien-signals is the version package.json pins', () => {
  const pinned = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).dependencies['alien-signals'];
  const installed = JSON.parse(readFileSync(new URL('./node_modules/alien-signals/package.json', import.meta.url), 'utf8')).version;
  assert.match(pinned, /^\d+\.\d+\.\d+$/, 'an exact version');
  assert.equal(installed, pinned);
});

for (const name of CASE_NAMES) {
  test(`${name}: measures checked rounds`, () => {
    const result = measure(name, { ops: 3, rounds: 3, warmupMs: 0 });
    assert.equal(result.shape, name);
    assert.equal(result.checkedOps, 3);
    assert.equal(result.warmupRounds, MIN_WARMUP_ROUNDS);
    assert.equal(result.roundsNsPerOp.length, 3);
    for (const ns of result.roundsNsPerOp) assert.ok(ns > 0);
    assert.equal(result.nsPerOp, median(result.roundsNsPerOp));
  });
}

test('a report: the medians over the rounds of each side, in shapes.json order', () => {
  const json = (nsPerOp, extra) => ({ nsPerOp, runtime: 'rt', allocatedBytesPerOp: 0, ...extra });
  const report = formatReport({
    started: '2026-01-02T03:04:05.000Z',
    options: { rounds: 3 },
    loadBefore: [1, 2, 3],
    loadAfter: [4, 5, 6],
    samples: {
      diamond: { viewsync: [json(30), json(10), json(20)], alien: [json(10), json(20), json(40)] },
      deep: { viewsync: [json(1), json(2), json(3)], alien: [json(1), json(1), json(1)] },
    },
  }, SHAPES).split('\n');
  assert.equal(report[0], '2026-01-02 03:04 UTC, 3 interleaved round(s); rt; rt; load average 1.0 2.0 3.0 before, 4.0 5.0 6.0 after.');
  assert.equal(report[4], '| deep | 2.00 | 1.00 | 2.00 | 1.00 | 0 | 1.00–3.00 |');
  assert.equal(report[5], '| diamond | 20.0 | 20.0 | 1.00 | 1.00 | 0 | 0.50–3.00 |');
});

test('the table: ratio is ViewSync over alien-signals', () => {
  const table = formatTable([
    { label: 'deep', viewsyncNs: 3000, alienNs: 2000, bestRatio: 1.25, viewsyncBytes: 0, roundRatios: [1.5, 1.2, 1.8] },
    { label: 'signal read (untracked)', viewsyncNs: 1.5, alienNs: 3, bestRatio: 0.5, viewsyncBytes: 80, roundRatios: [0.5] },
  ]).split('\n');
  assert.equal(table[0], '| shape | ViewSync ns/op | alien-signals ns/op | ratio | best ÷ best | ViewSync B/op | ratio per round (min–max) |');
  assert.equal(table[2], '| deep | 3,000 | 2,000 | 1.50 | 1.25 | 0 | 1.20–1.80 |');
  assert.equal(table[3], '| signal read (untracked) | 1.50 | 3.00 | 0.50 | 0.50 | 80 | 0.50–0.50 |');
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});
