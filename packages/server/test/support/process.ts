/** Runs the compiled server as a child process, as `npm start` does, for fault and end-to-end tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/**
 * Whether the compiled CLI exists (`npm test` builds it first; a bare `vitest run` may not have).
 * With TESSERA_REQUIRE_BUILD=1 (CI) a missing build fails the suites instead of skipping them.
 */
export const built = (): boolean => {
  const present = existsSync(CLI);
  if (!present && process.env.TESSERA_REQUIRE_BUILD === '1') {
    throw new Error(`${CLI} is missing and TESSERA_REQUIRE_BUILD=1: the built-CLI suites must run`);
  }
  return present;
};

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Bootstrap credentials, present on the first start of an empty store. */
  credentials?: { clientId: string; clientSecret: string };
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const id = /client_id:\s+(\S+)/.exec(out)?.[1];
  const secret = /client_secret:\s+(\S+)/.exec(out)?.[1];
  return {
    url,
    child,
    ...(id && secret ? { credentials: { clientId: id, clientSecret: secret } } : {}),
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function clientToken(url: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A JSON caller for a running server's admin API: throws with the body on any 4xx/5xx. */
export function adminCaller(url: string, token: string | (() => Promise<string>)) {
  return async <T = Record<string, string>>(method: string, path: string, body?: unknown): Promise<T> => {
    const bearer = typeof token === 'string' ? token : await token();
    const res = await fetch(`${url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

/** What a finished child process printed, and how it exited. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  done: Promise<Run>;
  /** Everything printed on stdout so far. */
  stdout(): string;
}

/** A process environment without the test runner's TESSERA_* settings, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TESSERA_')) env[key] = value;
  return { ...env, ...extra };
}

/** Spawns `command`, collecting its output; `done` settles when it exits. */
export function spawnProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Started {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Run>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout };
}

/** Waits until `output()` matches `pattern`; fails with the output so far after `ms`. */
export async function waitFor(output: () => string, pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${pattern}; output so far:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
