/** The ceiling: bare Fastify answering the dashboard's JSON shape, with a response schema and no authentication. */
import Fastify from 'fastify'

const SessionUser = {
  type: 'object',
  properties: { id: { type: 'string' }, username: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } },
  required: ['id', 'username', 'roles']
}
const DashboardReply = { type: 'object', properties: { logged_in_as: SessionUser }, required: ['logged_in_as'] }

const app = Fastify({ logger: false })
// gatehouse's user ids are UUIDs: the same length here keeps the two answers byte for byte the same size.
const user = { id: '00000000-0000-7000-8000-000000000000', username: 'bench-admin', roles: ['admin'] }

app.get('/dashboard', { schema: { response: { 200: DashboardReply } } }, async () => ({ logged_in_as: user }))
// The same readiness path as gatehouse, so the bench waits for both servers the same way.
app.get('/health/ready', async () => ({ status: 'ready' }))

for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => { app.close().then(() => process.exit(0)) })

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
