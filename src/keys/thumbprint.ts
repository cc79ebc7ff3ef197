/** RFC 7638 JWK thumbprints: a key's identity derived from its public parts, used as its `kid`. */
import { createHash, type JsonWebKey } from 'node:crypto'

// RFC 7638 3.2: only the required members, in lexicographic order, with no white space.
const REQUIRED_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n']
}

export function jwkThumbprint (jwk: JsonWebKey): string {
  const members = REQUIRED_MEMBERS[String(jwk.kty)]
  if (members === undefined) throw new Error(`no thumbprint for key type ${String(jwk.kty)}`)
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])))
  return createHash('sha256').update(canonical).digest('base64url')
}
