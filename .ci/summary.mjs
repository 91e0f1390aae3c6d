// Prints vitest's JSON report as the plain closing line CI reads: "N passed, N failed".
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('.artifacts/vitest-report.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
