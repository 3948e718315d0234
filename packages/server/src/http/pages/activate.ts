/** `/activate?code=…`: the invitation's set-password page (./set-password.ts). */
import type { FastifyInstance } from 'fastify';
import { ACTIVATE_PATH } from '../paths.js';
import { showSetPassword, submitSetPassword } from './set-password.js';

export function activateRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: Record<string, unknown> }>(ACTIVATE_PATH, async (request, reply) =>
    showSetPassword(request, reply, 'activate', request.query.code),
  );
  app.post(ACTIVATE_PATH, async (request, reply) => submitSetPassword(request, reply, 'activate'));
}
