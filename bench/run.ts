// `npm run bench`: runs the scenarios in bench/scenarios/, prints medians against their anchors,
// and writes bench/results/<timestamp>.json and bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE } from './lib/args.ts';
import { formatTable, writeResults } from './lib/report.ts';
import { runScenario, type ScenarioResult } from './lib/runner.ts';
import { scenarios } from './scenarios/index.ts';

// Turn a signal into a normal exit so that child servers are killed on the way out (lib/process.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseBenchArgs>;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.list) {
    for (const scenario of scenarios) console.log(`${scenario.name}\n  ${scenario.description}`);
    return 0;
  }
  const unknown = args.only.filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(
      `unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`,
    );
    return 2;
  }
  const selected = args.only.length === 0 ? scenarios : scenarios.filter((s) => args.only.includes(s.name));

  const startedAt = new Date().toISOString();
  const options = {
    durationSec: args.durationSec,
    runs: args.runs,
    warmupSec: args.warmupSec,
    connections: args.connections,
    log: (message: string) => console.error(message),
  };
  const results: ScenarioResult[] = [];
  for (const scenario of selected) results.push(await runScenario(scenario, options));

  console.log(`\n${formatTable(results)}`);
  console.log(
    `\nMedians of ${args.runs} run(s) of ${args.durationSec} s each; the load generator shares the CPU with the server.`,
  );
  if (args.write) {
    const report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      commit: gitCommit(),
      host: {
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        loadavg: loadavg(),
      },
      options: { ...options, log: undefined, only: args.only },
      scenarios: results,
    };
    const file = await writeResults(fileURLToPath(new URL('./results/', import.meta.url)), report);
    console.log(`Results: ${file} (and latest.json)`);
  }
  const failed = results.flatMap((r) => r.subjects).filter((s) => s.status === 'failed');
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
