// The contract between the runner and one scenario file in bench/scenarios/.

export interface Metric {
  readonly key: string;
  /** As printed in the table, e.g. "tokens/s". */
  readonly label: string;
  readonly unit: 'tokens/s' | 'ops/s' | 'ms' | 'bytes' | 's' | '%';
  readonly better: 'higher' | 'lower';
  /** A median above this marks the subject's numbers as noisy (for metrics that measure disturbance). */
  readonly noisyAbove?: number;
}

/** One measurement of a subject: a value per metric key. */
export type Sample = Readonly<Record<string, number>>;

export interface RunOptions {
  /** Seconds per measurement. */
  readonly durationSec: number;
  /** Measurements per subject; medians are quoted. */
  readonly runs: number;
  /** Seconds of discarded load before the first measurement of each subject. */
  readonly warmupSec: number;
  /** Concurrent connections for HTTP load; undefined lets the scenario choose. */
  readonly connections: number | undefined;
  /** Progress output (stderr), one line per call. */
  log(message: string): void;
}

/** A started subject, ready to be measured any number of times. */
export interface Session {
  measure(seconds: number): Promise<Sample>;
  /** Measured once at start (e.g. token size); reported as one-sample metrics. */
  readonly facts?: Sample;
  /** Anything a reader needs to trust the comparison (e.g. the token's alg and claims). */
  readonly notes?: readonly string[];
  stop(): Promise<void>;
}

export interface Subject {
  /** Shown in the table and used by comparisons, e.g. "oidc-provider". */
  readonly name: string;
  /** Anchors are what subjects are measured against. */
  readonly role: 'anchor' | 'subject';
  start(options: RunOptions): Promise<Session>;
}

export interface Comparison {
  readonly subject: string;
  readonly anchor: string;
  /** subject ÷ anchor on the headline metric must reach this to be "met". */
  readonly target?: number;
}

export interface Scenario {
  readonly name: string;
  /** One sentence: what is measured and how. */
  readonly description: string;
  readonly metrics: readonly Metric[];
  /** The metric quoted first: its ratios against anchors are printed and checked against targets. */
  readonly headline: string;
  /** Further metric keys whose ratios against anchors are printed (no targets). */
  readonly compared?: readonly string[];
  readonly subjects: readonly Subject[];
  readonly comparisons: readonly Comparison[];
}
