import type { FastifyInstance } from 'fastify';
import { listAudit, verifyAudit } from '../../core/audit.js';
import type { CoreContext } from '../../core/context.js';
import { str } from './schemas.js';

const entrySchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    id: str(),
    at: { type: 'string', format: 'date-time' },
    actorType: str(),
    actorId: str(),
    action: str(),
    targetType: str(),
    targetId: { type: ['string', 'null'] },
    sourceIp: { type: ['string', 'null'] },
    summary: { type: 'object', additionalProperties: true },
    prevHash: str(64),
    hash: str(64),
  },
} as const;

type AuditQuery = {
  after?: string;
  limit?: string;
  targetType?: string;
  targetId?: string;
  actorId?: string;
  action?: string;
};

export function auditRoutes(app: FastifyInstance, ctx: CoreContext) {
  const tags = ['audit'];
  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      schema: {
        tags,
        summary: 'Audit rows, oldest first; page with after=<seq of the last row seen>',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', pattern: '^\\d{1,15}$' },
            limit: { type: 'string', pattern: '^(?:[1-9]|[1-9][0-9]|[1-4][0-9][0-9]|500)$' },
            targetType: str(64),
            targetId: str(128),
            actorId: str(128),
            action: str(64),
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: entrySchema },
              nextAfter: { type: ['integer', 'null'] },
            },
          },
        },
      },
    },
    async (request) => {
      const { after, limit, ...filter } = request.query;
      const size = limit === undefined ? 100 : Number(limit);
      const items = await listAudit(ctx, {
        limit: size,
        filter: { afterSeq: after === undefined ? 0 : Number(after), ...filter },
      });
      return { items, nextAfter: items.length === size ? (items.at(-1)?.seq ?? null) : null };
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags,
        summary: 'Walk the hash chain; reports the first edited or deleted row',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => verifyAudit(ctx),
  );
}
