import { readFileSync } from 'node:fs';

// USER_HZ, the unit of /proc/<pid>/stat times, is 100 on every mainstream Linux build.
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, or undefined where /proc is not
 * available (macOS, Windows): the bench then simply reports no server CPU figure.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const own = processCpuSeconds(pid);
  if (own === undefined) return undefined;
  // A server that forks workers (tessera serve with TESSERA_WORKERS > 1) spends its CPU in them.
  let total = own;
  for (const child of childPids(pid)) total += cpuSeconds(child) ?? 0;
  return total;
}

/** Direct children of a process (Linux: /proc/<pid>/task/<tid>/children). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 of the rest (0-based: 11, 12).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds all processes on the machine have been busy so far (every core counted), or
 * undefined without /proc. Its growth minus the bench's own processes is what other work took
 * from the shared cores during a measurement: the noise indicator for that measurement.
 */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>(
      (sum, n) => sum + (n ?? Number.NaN),
      0,
    );
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
