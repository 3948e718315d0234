import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseDuration } from './defaults.js';
import { renderConfigDocs } from './docs.js';

describe('config', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      issuer: 'http://127.0.0.1:8080',
      accessTokenLifetimeMs: 600_000,
      keyAlgorithm: 'ES256',
      keyRotationIntervalMs: 30 * 86_400_000,
      keyPublishAheadMs: 86_400_000,
      databaseUrl: null,
    });
    expect(config.warnings).toEqual([]);
  });

  it('reports every invalid option at once', () => {
    expect(() =>
      loadConfig({
        TESSERA_PORT: 'eighty',
        TESSERA_KEY_ALGORITHM: 'HS256',
        TESSERA_ACCESS_TOKEN_LIFETIME: '1s',
      }),
    ).toThrow(/TESSERA_PORT[\s\S]*TESSERA_ACCESS_TOKEN_LIFETIME[\s\S]*TESSERA_KEY_ALGORITHM/);
  });

  it('warns about a non-https issuer on a public host', () => {
    expect(loadConfig({ TESSERA_ISSUER: 'http://id.example.com' }).warnings[0]).toMatch(/not https/);
  });

  it('parses durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2')).toBe(2000);
    expect(parseDuration('1y')).toBeUndefined();
  });

  it('docs/configuration.md is rendered from the options table (run npm run docs:config)', () => {
    const file = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(file).toBe(renderConfigDocs());
  });
});
