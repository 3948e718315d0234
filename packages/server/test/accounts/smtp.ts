/** A real SMTP server (smtp-server from npm) on loopback that keeps every message it receives. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Inbox {
  url: string;
  messages: { to: string[]; raw: string }[];
  /** Waits for the n-th message (1-based) and returns it. */
  next(n: number, timeoutMs?: number): Promise<{ to: string[]; raw: string }>;
  close(): Promise<void>;
}

export async function startInbox(): Promise<Inbox> {
  const messages: Inbox['messages'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        raw += chunk;
      });
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async next(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`no mail #${n} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages[n - 1] as { to: string[]; raw: string };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The link in a plain-text mail (quoted-printable soft line breaks undone). */
export function linkIn(raw: string): string {
  const body = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = /http:\/\/tessera\.test\/(?:activate|reset)\?code=[A-Za-z0-9_-]{43}/.exec(body);
  if (!match) throw new Error(`no link in mail:\n${raw}`);
  return match[0];
}
