/** Lua scripts run by SHA1: the helper the verifier package's revocation store uses, so there is one of it. */
export { defineScript, type Script } from '@gatehouse-auth/fastify'
