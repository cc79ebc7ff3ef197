/** Creates ADMIN_USERNAME with role admin at start, when it is configured and absent. */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ensureAdmin } from '../../src/bootstrap-admin.js'
import { passwordProblem } from '../../src/password-policy.js'

async function adminBootstrap (fastify: FastifyInstance): Promise<void> {
  const { ADMIN_USERNAME: username, ADMIN_PASSWORD: password } = fastify.config
  if (username === undefined || password === undefined) return
  const problem = passwordProblem(password, username)
  // Not refused (the operator chose it, and may be trying gatehouse out), but said loudly.
  if (problem !== undefined) fastify.log.warn({ variable: 'ADMIN_PASSWORD' }, `ADMIN_PASSWORD ${problem}: change it (PATCH /admin/users/:id or POST /auth/password)`)
  const outcome = await ensureAdmin(fastify.store.users, username, password)
  fastify.log.info({ username }, outcome === 'created' ? 'admin user created' : 'admin user already exists; left unchanged')
}

export default fp(adminBootstrap, { name: 'admin-bootstrap', fastify: '5.x', dependencies: ['stores'] })
