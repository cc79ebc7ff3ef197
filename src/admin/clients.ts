/** Service-client administration, shared by the admin API and the CLI. */
import type { ClientRecord, ClientStore } from '../stores/clients.js'
import type { SessionRevoker } from '../sessions/revoke.js'
import { NotFoundError } from '../errors.js'
import { hashClientSecret, newClientSecret } from './client-secrets.js'

export function createClientAdmin (clients: ClientStore, revoker: SessionRevoker) {
  return {
    /** Answers the client and its secret: the only time the secret exists outside the caller's hands. */
    async create (input: { name: string, scopes: string[] }): Promise<{ client: ClientRecord, secret: string }> {
      const secret = newClientSecret()
      const client = await clients.create({ name: input.name, scopes: [...new Set(input.scopes)], secretHash: hashClientSecret(secret) })
      return { client, secret }
    },
    async list (limit: number, after?: string) {
      return await clients.list({ limit, ...(after === undefined ? {} : { after }) })
    },
    /** The client's tokens stop working at once, on every instance. */
    async remove (id: string): Promise<void> {
      if (await clients.findById(id) === undefined) throw new NotFoundError('Client')
      await revoker.revokeSubject(id)
      await clients.delete(id)
    }
  }
}

export type ClientAdmin = ReturnType<typeof createClientAdmin>
