import type { AuditEntry } from '../../core/model.js';
import { integerOption } from '../args.js';
import type { Command, Group } from '../command.js';
import { UsageError } from '../errors.js';
import type { Column } from '../output.js';

const auditColumns: Column<AuditEntry>[] = [
  { header: 'seq', value: (e) => e.seq },
  { header: 'at', value: (e) => e.at },
  { header: 'actor', value: (e) => `${e.actorType}:${e.actorId}` },
  { header: 'action', value: (e) => e.action },
  { header: 'target', value: (e) => (e.targetId === null ? e.targetType : `${e.targetType}:${e.targetId}`) },
  { header: 'summary', value: (e) => e.summary },
];

const REASONS = {
  hash_mismatch: 'its content does not match its hash (the row was edited)',
  chain_broken: "it does not name its predecessor's hash (a row before it was deleted or edited)",
} as const;

const list: Command = {
  name: 'list',
  summary: 'audit rows, oldest first',
  options: {
    after: { type: 'string', value: 'SEQ', description: 'only rows after this sequence number (for paging)' },
    limit: { type: 'string', value: 'N', description: 'rows to show, 1-500 (default 50)' },
    'target-type': {
      type: 'string',
      value: 'TYPE',
      description: 'only rows about this kind of thing: user, group, role, client, …',
    },
    'target-id': { type: 'string', value: 'ID', description: 'only rows about this id' },
    actor: { type: 'string', value: 'ID', description: 'only rows by this actor id (client_id, OS user, …)' },
    action: { type: 'string', value: 'ACTION', description: 'only this action, e.g. role.granted' },
  },
  async run({ args, out, backend }) {
    const after = args.string('after');
    if (after !== undefined && !/^\d{1,15}$/.test(after)) {
      throw new UsageError('--after must be a sequence number');
    }
    const limit = integerOption(args, 'limit', 50, 500);
    const filter = {
      afterSeq: after === undefined ? 0 : Number(after),
      ...(args.has('target-type') ? { targetType: args.string('target-type') } : {}),
      ...(args.has('target-id') ? { targetId: args.string('target-id') } : {}),
      ...(args.has('actor') ? { actorId: args.string('actor') } : {}),
      ...(args.has('action') ? { action: args.string('action') } : {}),
    };
    const rows = await (await backend()).listAudit({ limit, filter });
    out.table(rows, auditColumns);
    const last = rows.at(-1);
    if (rows.length === limit && last && !out.json) out.note(`more: repeat with --after ${last.seq}`);
    return 0;
  },
};

const verify: Command = {
  name: 'verify',
  summary: 'check the hash chain; exits 1 and names the first bad row if it is broken',
  details:
    'An edited row fails its own hash; a deleted row breaks the chain at its successor. Deleting the\n' +
    'newest rows leaves no trace in the chain itself: keep the printed head hash somewhere else.',
  async run({ out, backend }) {
    const result = await (await backend()).verifyAudit();
    if (result.ok) {
      const head = result.head ? `; head seq ${result.head.seq} hash ${result.head.hash}` : '';
      out.message(`audit chain intact: ${result.rows} row${result.rows === 1 ? '' : 's'}${head}`, result);
      return 0;
    }
    const failure = result.failure;
    out.data(result);
    out.note(
      failure
        ? `error: audit chain broken at row seq ${failure.seq}: ${REASONS[failure.reason] ?? failure.reason}`
        : 'error: audit chain broken',
    );
    return 1;
  },
};

export const audit: Group = {
  name: 'audit',
  summary: 'the audit log: list, verify',
  commands: [list, verify],
};
