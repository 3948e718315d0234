import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioResult } from './runner.ts';
import type { Metric } from './scenario.ts';

function formatValue(value: number | undefined, unit: Metric['unit']): string {
  if (value === undefined) return '—';
  const digits = unit === 'ms' || unit === 's' ? 2 : unit === '%' ? 1 : 0;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const times = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}×`);

/** Plain-text table: one row per subject and metric, then the targets. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'subject', 'metric', 'median', 'min', 'max', 'ratio vs anchor'];
  const rows: string[][] = [];
  const footer: string[] = [];
  for (const scenario of results) {
    for (const subject of scenario.subjects) {
      if (subject.status === 'failed') {
        rows.push([scenario.name, subject.name, 'FAILED (see below)', '', '', '', '']);
        const error = subject.error ?? 'unknown error';
        footer.push(error.startsWith(subject.name) ? error : `${subject.name}: ${error}`);
        continue;
      }
      for (const metric of subject.metrics) {
        if (metric.samples.length === 0) continue;
        const ratios = scenario.ratios
          .filter((r) => r.subject === subject.name && r.metric === metric.key)
          .map((r) => `${times(r.ratio)} ${r.anchor}`)
          .join(', ');
        rows.push([
          scenario.name,
          subject.name,
          metric.label,
          formatValue(metric.summary?.median, metric.unit),
          formatValue(metric.summary?.min, metric.unit),
          formatValue(metric.summary?.max, metric.unit),
          ratios,
        ]);
      }
      for (const note of subject.notes) footer.push(`${subject.name}: ${note}`);
      for (const metric of subject.metrics) {
        const value = metric.summary?.median;
        if (metric.noisyAbove === undefined || value === undefined || value <= metric.noisyAbove) continue;
        const shown = formatValue(value, metric.unit);
        footer.push(
          `${subject.name}: NOISY: ${metric.label} = ${shown} (> ${metric.noisyAbove}); rerun on an idle machine`,
        );
      }
    }
    for (const r of scenario.ratios) {
      if (r.target === undefined) continue;
      const verdict = r.ratio === undefined ? 'not measured' : r.met ? 'met' : 'NOT MET';
      footer.push(
        `${scenario.name}: ${r.subject} / ${r.anchor} = ${times(r.ratio)} (target ≥ ${r.target}×): ${verdict}`,
      );
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = new Set([3, 4, 5]);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...footer].join('\n');
}

/** Writes bench/results/<timestamp>.json and bench/results/latest.json; returns the first path. */
export async function writeResults(
  directory: string,
  report: { readonly startedAt: string },
): Promise<string> {
  await mkdir(directory, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  // Colons are not allowed in Windows file names; the rest of the ISO timestamp is kept.
  const file = join(directory, `${report.startedAt.replace(/:/g, '-')}.json`);
  await writeFile(file, json);
  await writeFile(join(directory, 'latest.json'), json);
  return file;
}
