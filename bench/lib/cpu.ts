import { readFileSync } from 'node:fs';

// USER_HZ, the unit of /proc/<pid>/stat times, is 100 on every mainstream Linux build.
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, or undefined where /proc is not
 * available (macOS, Windows): the bench then simply reports no server CPU figure.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
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
