import type { Metric, RunOptions, Sample, Scenario, Session, Subject } from './scenario.ts';
import { ratio, type Summary, summarize } from './stats.ts';

export interface MetricResult extends Metric {
  readonly samples: readonly number[];
  /** Absent when the subject produced no sample of this metric. */
  readonly summary?: Summary;
}

export interface SubjectResult {
  readonly name: string;
  readonly role: Subject['role'];
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly notes: readonly string[];
  readonly metrics: readonly MetricResult[];
}

export interface RatioResult {
  readonly subject: string;
  readonly anchor: string;
  readonly metric: string;
  /** Of the medians; absent when the anchor's median is 0. */
  readonly ratio?: number;
  readonly target?: number;
  readonly met?: boolean;
}

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly headline: string;
  readonly subjects: readonly SubjectResult[];
  readonly ratios: readonly RatioResult[];
}

interface Entry {
  readonly subject: Subject;
  session?: Session;
  error?: string;
  readonly samples: Sample[];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Starts every subject, warms each up, then measures them in interleaved rounds (the order rotates
 * each round) so that drift on a shared machine spreads over all subjects instead of one.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const log = (text: string) => options.log(`[${scenario.name}] ${text}`);
  const headlineLabel = scenario.metrics.find((m) => m.key === scenario.headline)?.label ?? scenario.headline;
  const entries: Entry[] = scenario.subjects.map((subject) => ({ subject, samples: [] }));
  const fail = async (entry: Entry, error: unknown) => {
    entry.error = message(error);
    log(`${entry.subject.name}: FAILED: ${entry.error}`);
    const session = entry.session;
    entry.session = undefined;
    await session?.stop().catch(() => undefined);
  };

  try {
    for (const entry of entries) {
      log(`${entry.subject.name}: starting`);
      try {
        entry.session = await entry.subject.start(options);
        if (options.warmupSec > 0) await entry.session.measure(options.warmupSec);
      } catch (error) {
        await fail(entry, error);
      }
    }
    for (let round = 0; round < options.runs; round++) {
      const order = entries.map((_, i) => entries[(i + round) % entries.length] as Entry);
      for (const entry of order) {
        if (!entry.session) continue;
        try {
          const sample = await entry.session.measure(options.durationSec);
          entry.samples.push(sample);
          const value = sample[scenario.headline]?.toLocaleString('en-US', { maximumFractionDigits: 0 });
          log(`${entry.subject.name} run ${round + 1}/${options.runs}: ${value} ${headlineLabel}`);
        } catch (error) {
          await fail(entry, error);
        }
      }
    }
  } finally {
    await Promise.all(entries.map((entry) => entry.session?.stop().catch(() => undefined)));
  }

  const subjects = entries.map((entry) => toSubjectResult(scenario, entry));
  return {
    name: scenario.name,
    description: scenario.description,
    headline: scenario.headline,
    subjects,
    ratios: ratios(scenario, subjects),
  };
}

function toSubjectResult(scenario: Scenario, entry: Entry): SubjectResult {
  const facts = entry.session?.facts ?? {};
  const metrics = scenario.metrics.map((metric): MetricResult => {
    const fact = facts[metric.key];
    const samples =
      fact === undefined
        ? entry.samples.flatMap((sample) =>
            sample[metric.key] === undefined ? [] : [sample[metric.key] as number],
          )
        : [fact];
    return samples.length > 0 ? { ...metric, samples, summary: summarize(samples) } : { ...metric, samples };
  });
  return {
    name: entry.subject.name,
    role: entry.subject.role,
    status: entry.error === undefined ? 'ok' : 'failed',
    ...(entry.error === undefined ? {} : { error: entry.error }),
    notes: [...(entry.session?.notes ?? [])],
    metrics,
  };
}

function ratios(scenario: Scenario, subjects: readonly SubjectResult[]): RatioResult[] {
  const medianOf = (subject: SubjectResult, key: string) =>
    subject.status === 'ok' ? subject.metrics.find((m) => m.key === key)?.summary?.median : undefined;
  const results: RatioResult[] = [];
  for (const metric of [scenario.headline, ...(scenario.compared ?? [])]) {
    for (const subject of subjects) {
      for (const anchor of subjects) {
        if (anchor === subject || anchor.role !== 'anchor') continue;
        const comparison = scenario.comparisons.find(
          (c) => c.subject === subject.name && c.anchor === anchor.name,
        );
        // An anchor against an anchor is context; print it only if a comparison asks for it.
        if (subject.role === 'anchor' && !comparison) continue;
        const [a, b] = [medianOf(subject, metric), medianOf(anchor, metric)];
        if (metric !== scenario.headline && (a === undefined || b === undefined)) continue;
        const value = a === undefined || b === undefined ? undefined : ratio(a, b);
        const target = metric === scenario.headline ? comparison?.target : undefined;
        results.push({
          subject: subject.name,
          anchor: anchor.name,
          metric,
          ...(value === undefined ? {} : { ratio: value }),
          ...(target === undefined ? {} : { target, met: value !== undefined && value >= target }),
        });
      }
    }
  }
  // Listed comparisons first, in their order (the one with the target leads), then the rest.
  const rank = (r: RatioResult) => {
    const i = scenario.comparisons.findIndex((c) => c.subject === r.subject && c.anchor === r.anchor);
    return i === -1 ? scenario.comparisons.length : i;
  };
  return results.sort((a, b) => rank(a) - rank(b));
}
