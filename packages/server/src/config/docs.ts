import { OPTIONS } from './defaults.js';

/** docs/configuration.md, rendered from the OPTIONS table so the two never drift. */
export function renderConfigDocs(): string {
  const rows = Object.entries(OPTIONS).map(([key, spec]) => {
    const values = 'values' in spec ? ` One of: ${spec.values.join(', ')}.` : '';
    const def = spec.default === '' ? '(none)' : `\`${spec.default}\``;
    return `| \`${spec.env}\` | \`${key}\` | ${spec.kind} | ${def} | ${spec.doc}${values} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from packages/server/src/config/defaults.ts by `npm run docs:config`; a test fails when it is stale. -->',
    '',
    'Tessera reads each option from its environment variable, else from the JSON file named by',
    '`TESSERA_CONFIG` (keys as in the second column), else the default. Every option is validated at',
    'start-up: a bad value stops the server with one message listing every problem. Unsafe settings',
    '(for example a non-https issuer on a public address) are logged once as `UNSAFE CONFIGURATION`.',
    '',
    'Durations take a unit: `250ms`, `90s`, `10m`, `24h`, `30d` (a bare number means seconds).',
    '',
    '| environment | file key | type | default | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '## Secrets that are not options',
    '',
    '- `TESSERA_MASTER_KEY`: 32 bytes (base64url or hex) that encrypt private signing keys at rest',
    '  (AES-256-GCM). Without it, Tessera uses `DATA_DIR/master.key`, created with mode 0600 on first',
    '  start, and refuses to start if that file is readable by group or others.',
    '- `TESSERA_TEST_DATABASE_URL` (tests only): PostgreSQL for the store suites;',
    '  `TESSERA_REQUIRE_POSTGRES=1` turns a missing PostgreSQL from a loud skip into a failure.',
    '',
  ].join('\n');
}
