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

/** rows: { label, viewsyncNs, alienNs, viewsyncBytes } → a markdown table; ratio = ViewSync ÷ alien-signals. */
export function formatTable(rows) {
  const lines = [
    '| shape | ViewSync ns/op | alien-signals ns/op | ratio | ViewSync B/op |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const bytes = Number.isInteger(row.viewsyncBytes) ? String(row.viewsyncBytes) : row.viewsyncBytes.toFixed(1);
    lines.push(`| ${row.label} | ${formatNs(row.viewsyncNs)} | ${formatNs(row.alienNs)} | ${(row.viewsyncNs / row.alienNs).toFixed(2)} | ${bytes} |`);
  }
  return lines.join('\n');
}
