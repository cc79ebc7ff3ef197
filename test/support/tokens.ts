/** Reading tokens in tests, without verifying them. */

export interface DecodedToken {
  header: Record<string, unknown>
  payload: Record<string, unknown> & { exp: number, iat: number, sid?: string, jti?: string }
}

export function decodeClaims (token: string): DecodedToken {
  const [header, payload] = token.split('.')
  const read = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'))
  return { header: read(header), payload: read(payload) }
}
