import type { Application } from '../../core/model.js';
import type { Command, Group } from '../command.js';
import { UsageError } from '../errors.js';
import type { Column, Field } from '../output.js';
import { pageFrom, pageOptions, printPage } from './shared.js';

const appColumns: Column<Application>[] = [
  { header: 'name', value: (a) => a.name },
  { header: 'audience', value: (a) => a.audience },
  { header: 'namespace', value: (a) => a.namespace },
  { header: 'id', value: (a) => a.id },
];

const appFields = (a: Application): Field[] => [
  ['id', a.id],
  ['name', a.name],
  ['audience', a.audience],
  ['namespace', a.namespace],
  ['version', a.version],
  ['createdAt', a.createdAt],
  ['updatedAt', a.updatedAt],
];

const create: Command = {
  name: 'create',
  summary: 'register an application (a protected API)',
  options: {
    name: { type: 'string', value: 'NAME', description: 'display name (required)' },
    audience: {
      type: 'string',
      value: 'URI',
      description: 'absolute URI: the `aud` of its tokens and the RFC 8707 resource (required)',
    },
    namespace: {
      type: 'string',
      value: 'NS',
      description: 'the permission namespace it owns: NS owns NS:* (required)',
    },
  },
  async run({ args, out, backend }) {
    const [name, audience, namespace] = [
      args.string('name'),
      args.string('audience'),
      args.string('namespace'),
    ];
    if (!name || !audience || !namespace) {
      throw new UsageError('--name, --audience and --namespace are required');
    }
    const app = await (await backend()).createApplication({ name, audience, namespace });
    out.record(appFields(app), app);
    return 0;
  },
};

const list: Command = {
  name: 'list',
  summary: 'list applications',
  options: pageOptions,
  async run({ args, out, backend }) {
    printPage(out, await (await backend()).listApplications(pageFrom(args)), appColumns);
    return 0;
  },
};

const show: Command = {
  name: 'show',
  summary: 'show an application',
  args: ['<id>'],
  async run({ args, out, backend }) {
    const app = await (await backend()).getApplication(args.positionals[0] ?? '');
    out.record(appFields(app), app);
    return 0;
  },
};

const update: Command = {
  name: 'update',
  summary: 'rename an application (audience and namespace are fixed)',
  args: ['<id>'],
  options: { name: { type: 'string', value: 'NAME', description: 'new display name (required)' } },
  async run({ args, out, backend }) {
    const name = args.string('name');
    if (!name) throw new UsageError('--name is required');
    const app = await (await backend()).updateApplication(args.positionals[0] ?? '', { name });
    out.record(appFields(app), app);
    return 0;
  },
};

const remove: Command = {
  name: 'delete',
  summary: 'delete an application',
  args: ['<id>'],
  async run({ args, out, backend }) {
    const id = args.positionals[0] ?? '';
    await (await backend()).deleteApplication(id);
    out.message(`deleted application ${id}`, { deleted: { type: 'application', id } });
    return 0;
  },
};

export const applications: Group = {
  name: 'app',
  summary: 'applications (protected APIs): create, list, show, update, delete',
  commands: [create, list, show, update, remove],
};
