import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../core/model.js';
import type { KeyInfo } from '../backend.js';
import type { Command, Group } from '../command.js';
import { UsageError } from '../errors.js';
import type { Column, Field } from '../output.js';

const keyColumns: Column<KeyInfo>[] = [
  { header: 'kid', value: (k) => k.kid },
  { header: 'alg', value: (k) => k.alg },
  { header: 'state', value: (k) => k.state },
  { header: 'created', value: (k) => k.createdAt },
  { header: 'signs from', value: (k) => k.activateAt },
  { header: 'retired', value: (k) => k.retiredAt },
  { header: 'leaves jwks', value: (k) => k.removeAt },
];

const keyFields = (k: KeyInfo): Field[] => [
  ['kid', k.kid],
  ['alg', k.alg],
  ['state', k.state],
  ['createdAt', k.createdAt],
  ['activateAt', k.activateAt],
  ['retiredAt', k.retiredAt],
  ['removeAt', k.removeAt],
];

const list: Command = {
  name: 'list',
  summary: 'signing keys and their states (public parts only)',
  async run({ out, backend }) {
    out.table(await (await backend()).listKeys(), keyColumns);
    return 0;
  },
};

const rotate: Command = {
  name: 'rotate',
  summary: 'force a rotation: publish a new signing key now',
  options: {
    algorithm: {
      type: 'string',
      value: 'ALG',
      description: `algorithm of the new key: ${KEY_ALGORITHMS.join(', ')}`,
    },
    immediate: {
      type: 'boolean',
      description: 'sign with it at once instead of after the publish-ahead time',
    },
  },
  details:
    'By default the new key is published now and signs once verifiers have had time to fetch it.\n' +
    '--immediate makes it sign at once; verifiers with a cached JWKS must refetch. Use it when the\n' +
    'current key is suspect.',
  async run({ args, out, backend }) {
    const algorithm = args.string('algorithm');
    if (algorithm !== undefined && !KEY_ALGORITHMS.includes(algorithm as KeyAlgorithm)) {
      throw new UsageError(`--algorithm must be one of: ${KEY_ALGORITHMS.join(', ')}`);
    }
    const key = await (await backend()).rotateKey({
      ...(algorithm === undefined ? {} : { algorithm: algorithm as KeyAlgorithm }),
      immediate: args.flag('immediate'),
    });
    out.record(keyFields(key), key);
    return 0;
  },
};

const revoke: Command = {
  name: 'revoke',
  summary: 'withdraw a key at once: every verifier refuses the tokens it signed',
  args: ['<kid>'],
  details:
    'The key leaves the JWKS now and a revocation event reaches every verifier following the\n' +
    'event stream. If it was signing, a replacement signs from now on. For a key you suspect.',
  async run({ args, out, backend }) {
    const kid = args.positionals[0];
    if (!kid) throw new UsageError('name the key: tessera keys revoke <kid>');
    await (await backend()).revokeKey(kid);
    out.note(`revoked key ${kid}`);
    return 0;
  },
};

export const keys: Group = {
  name: 'keys',
  summary: 'signing keys: list, rotate, revoke',
  commands: [list, rotate, revoke],
};
