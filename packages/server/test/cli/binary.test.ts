import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const built = existsSync(MAIN);
if (!built)
  console.warn(`SKIPPED: compiled CLI test — ${MAIN} is missing; run \`npx tsc -b packages/server\` first`);

describe.skipIf(!built)('the compiled tessera binary', () => {
  it('prints its help and exits 0', async () => {
    const { stdout } = await run(process.execPath, [MAIN, '--help']);
    expect(stdout).toContain('Usage: tessera <command> [options]');
    expect(stdout).toMatch(/^ {2}user +users: /m);
  });

  it('runs through a symlink, as npm installs bin entries, and exits 2 on a usage error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-bin-'));
    try {
      const link = join(dir, 'tessera');
      await symlink(MAIN, link);
      const failed = await run(process.execPath, [link, 'nonsense']).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(/^error: unknown command "nonsense"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
