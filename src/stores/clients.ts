/** Service clients: callers of the client-credentials grant, known by id and a hashed secret. */
import type { PageRequest } from './users.js'

export interface ClientRecord {
  id: string
  name: string
  secretHash: string
  scopes: string[]
  createdAt: string // ISO 8601
}

export interface NewClient {
  name: string
  secretHash: string
  scopes: string[]
}

export interface ClientStore {
  create (client: NewClient): Promise<ClientRecord>
  findById (id: string): Promise<ClientRecord | undefined>
  list (page: PageRequest): Promise<ClientRecord[]>
  delete (id: string): Promise<boolean>
}
