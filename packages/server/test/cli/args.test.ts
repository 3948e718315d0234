/** The CLI's option parsing (src/cli/args.ts). */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';

const options = {
  'client-secret': { type: 'string', description: 'secret' },
  permission: { type: 'list', short: 'p', description: 'permission' },
  json: { type: 'boolean', description: 'json' },
} as const;

describe('CLI options', () => {
  // Regression: `--client-secret "$SECRET"` failed as "ambiguous" whenever the secret began with
  // `-`, which one base64url secret in 64 does (a flaky CLI test showed it).
  it('gives an option that takes a value the next word, even one starting with a dash', () => {
    const args = parseCommandLine(
      ['--client-secret', '-Zq9_secret', '-p', '-x:y', '--permission', '--json', 'pos'],
      options,
      'usage',
    );
    expect(args.string('client-secret')).toBe('-Zq9_secret');
    expect(args.list('permission')).toEqual(['-x:y', '--json']);
    expect(args.flag('json')).toBe(false);
    expect(args.positionals).toEqual(['pos']);
  });

  it('leaves flags, `--opt=value` and everything after `--` alone', () => {
    const args = parseCommandLine(
      ['--json', '--client-secret=-a', '--', '--client-secret', '-b'],
      options,
      'u',
    );
    expect(args.flag('json')).toBe(true);
    expect(args.string('client-secret')).toBe('-a');
    expect(args.positionals).toEqual(['--client-secret', '-b']);
  });

  it('still refuses an unknown option and a missing value', () => {
    expect(() => parseCommandLine(['--nope'], options, 'u')).toThrow(UsageError);
    expect(() => parseCommandLine(['--client-secret'], options, 'u')).toThrow(UsageError);
  });
});
