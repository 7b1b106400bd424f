// Percentiles and the number formats every bench table uses.

/** Nearest-rank percentile (p in 0–100) of unsorted samples; NaN when there are none. */
export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** p50, p99 and max of samples. */
export function summarize(samples) {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    // A loop, not Math.max(...samples): a long run's hundreds of thousands of samples overflow the stack as arguments.
    max: samples.reduce(
      (m, x) => (x > m ? x : m),
      samples.length === 0 ? Number.NaN : Number.NEGATIVE_INFINITY,
    ),
  };
}

/** Milliseconds with one decimal below 100 ms, whole above. */
export function ms(value) {
  if (!Number.isFinite(value)) return "–";
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US");
}

/** A whole number with thousands separators. */
export function int(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–";
}

/** `a / b` as `1.2×` (two significant decimals below 10×). */
export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "–";
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** "met" / "missed" for a goal where smaller is better (`atMost`) or larger is better (`atLeast`). */
export function verdict(value, goal) {
  if (!Number.isFinite(value)) return "not measured";
  if (goal.atMost !== undefined) return value <= goal.atMost ? "met" : "**missed**";
  return value >= (goal.atLeast ?? 0) ? "met" : "**missed**";
}

/** A markdown table from a header row and data rows; columns after the first are right-aligned. */
export function table(header, rows) {
  const align = header.map((_, i) => (i === 0 ? "---" : "---:"));
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
