// Formatting for the driver (run.mjs), kept apart so the tests can check it without running anything.

export function median(values) {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 !== 0 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** ns/op with about three significant digits: 1.23, 45.6, 789, 12,345. */
export function formatNs(ns) {
  if (ns < 10) return ns.toFixed(2);
  if (ns < 100) return ns.toFixed(1);
  return Math.round(ns).toLocaleString('en-US');
}

/**
 * rows: { label, viewsyncNs, alienNs, bestRatio, viewsyncBytes, roundRatios } → a markdown table. ratio = ViewSync ÷
 * alien-signals of the two medians; best ÷ best = of each side's fastest process, which a shared machine's slow phases
 * (a whole process at half speed) move least; the last column is the lowest and highest ratio of one round's two
 * processes (run back to back).
 */
export function formatTable(rows) {
  const lines = [
    '| shape | ViewSync ns/op | alien-signals ns/op | ratio | best ÷ best | ViewSync B/op | ratio per round (min–max) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const bytes = Number.isInteger(row.viewsyncBytes) ? String(row.viewsyncBytes) : row.viewsyncBytes.toFixed(1);
    const range = `${Math.min(...row.roundRatios).toFixed(2)}–${Math.max(...row.roundRatios).toFixed(2)}`;
    lines.push(`| ${row.label} | ${formatNs(row.viewsyncNs)} | ${formatNs(row.alienNs)} | ${(row.viewsyncNs / row.alienNs).toFixed(2)} | ${row.bestRatio.toFixed(2)} | ${bytes} | ${range} |`);
  }
  return lines.join('\n');
}

/** A run's raw results ({ started, options, loadBefore, loadAfter, samples }) → a heading line and the table. */
export function formatReport({ started, options, loadBefore, loadAfter, samples }, shapes) {
  const measured = shapes.filter((shape) => samples[shape.name]);
  const rows = measured.map((shape) => {
    const { viewsync, alien } = samples[shape.name];
    return {
      label: shape.label,
      viewsyncNs: median(viewsync.map((json) => json.nsPerOp)),
      alienNs: median(alien.map((json) => json.nsPerOp)),
      bestRatio: Math.min(...viewsync.map((json) => json.nsPerOp)) / Math.min(...alien.map((json) => json.nsPerOp)),
      viewsyncBytes: median(viewsync.map((json) => json.allocatedBytesPerOp)),
      roundRatios: viewsync.map((json, round) => json.nsPerOp / alien[round].nsPerOp),
    };
  });
  const { viewsync, alien } = samples[measured[0].name];
  const load = (l) => l.map((x) => x.toFixed(1)).join(' ');
  const heading = `${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${options.rounds} interleaved round(s)`
    + `${options.quick ? ' (--quick: not a measurement)' : ''}; ${viewsync[0].runtime}; ${alien[0].runtime}; `
    + `load average ${load(loadBefore)} before, ${load(loadAfter)} after.`;
  return `${heading}\n\n${formatTable(rows)}`;
}
