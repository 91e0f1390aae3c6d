/** One benchmark figure beside the baseline it is compared with, measured in the same run. */
export interface BenchRow {
  readonly what: string;
  readonly ours: number;
  readonly baseline: number;
  readonly unit: string;
  readonly baselineIs: string;
}

export function report(row: BenchRow): void {
  const ratio = row.ours / row.baseline;
  console.log(
    `${row.what.padEnd(46)} ${row.ours.toFixed(2).padStart(9)} ${row.unit.padEnd(4)}` +
      ` baseline ${row.baseline.toFixed(2).padStart(8)}  ratio ${ratio.toFixed(2).padStart(6)}x  (${row.baselineIs})`,
  );
}
