import type { FastifyInstance } from 'fastify';
import {
  type ApplicationInput,
  createApplication,
  deleteApplication,
  getApplication,
  listApplications,
  updateApplication,
} from '../../core/applications/service.js';
import type { CoreContext } from '../../core/context.js';
import { ifMatch, setEtag } from './etag.js';
import { actorOf, pageOptions } from './request.js';
import { applicationSchema, idParams, pageOf, pageQuery, str } from './schemas.js';

type Id = { Params: { id: string } };

export function applicationRoutes(app: FastifyInstance, ctx: CoreContext) {
  const tags = ['applications'];
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/applications',
    {
      schema: {
        tags,
        summary: 'List applications (resource servers)',
        querystring: pageQuery(),
        response: { 200: pageOf(applicationSchema) },
      },
    },
    async (request) => listApplications(ctx, pageOptions(request.query)),
  );

  app.post<{ Body: ApplicationInput }>(
    '/applications',
    {
      schema: {
        tags,
        summary: 'Register an application: its audience URI and the permission namespace it owns',
        body: {
          type: 'object',
          required: ['name', 'audience', 'namespace'],
          additionalProperties: false,
          properties: { name: str(128), audience: str(2048), namespace: str(64) },
        },
        response: { 201: applicationSchema },
      },
    },
    async (request, reply) => {
      const application = await createApplication(ctx, actorOf(request), request.body);
      setEtag(reply, application.version)
        .header('Location', `/admin/v1/applications/${application.id}`)
        .code(201);
      return application;
    },
  );

  app.get<Id>(
    '/applications/:id',
    {
      schema: {
        tags,
        summary: 'Read an application',
        params: idParams,
        response: { 200: applicationSchema },
      },
    },
    async (request, reply) => {
      const application = await getApplication(ctx, request.params.id);
      setEtag(reply, application.version);
      return application;
    },
  );

  app.patch<Id & { Body: { name?: string } }>(
    '/applications/:id',
    {
      schema: {
        tags,
        summary: 'Rename an application (audience and namespace are immutable)',
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: { name: str(128) },
        },
        response: { 200: applicationSchema },
      },
    },
    async (request, reply) => {
      const application = await updateApplication(ctx, actorOf(request), request.params.id, request.body, {
        ifVersion: ifMatch(request),
      });
      setEtag(reply, application.version);
      return application;
    },
  );

  app.delete<Id>(
    '/applications/:id',
    { schema: { tags, summary: 'Delete an application', params: idParams } },
    async (request, reply) => {
      await deleteApplication(ctx, actorOf(request), request.params.id, { ifVersion: ifMatch(request) });
      return reply.code(204).send();
    },
  );
}
