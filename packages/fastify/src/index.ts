/** @gatehouse-auth/fastify: verify gatehouse's access tokens in any Fastify 5 service; this module only re-exports. */
import plugin from './plugin.js'

export default plugin
export { plugin as gatehouseAuth }
export { GatehouseAuthOptionsSchema, type GatehouseAuthOptions, type KeyLookup, type RevocationChecker } from './options.js'
export { RouteAuthSchema, routeAuthChecker, describeRouteAuth, type RouteAuth } from './route-auth.js'
export { AccessClaimsSchema, RefreshClaimsSchema, accessClaimsChecker, refreshClaimsChecker, scopesOf, type AccessClaims, type RefreshClaims, type Claims, type CustomClaims } from './claims.js'
export { createTokenVerifier, refreshAudienceOf, ACCESS_TOKEN_TYP, API_KEY_PREFIX, API_KEY_TYP, REFRESH_TOKEN_TYP, CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_LENGTH, type TokenVerifier, type VerificationKey, type VerifierOptions } from './verify.js'
export { createJwksClient, verificationKeyOf, type JwksClient, type JwksClientOptions } from './jwks-client.js'
export { ALGORITHMS, ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, MINIMUM_RSA_BITS, isAsymmetric, keyFitsAlgorithm, keyRequirement, type Algorithm, type AsymmetricAlgorithm, type HmacAlgorithm, type KeyRequirement } from './algorithms.js'
export { readAccessToken, ACCESS_COOKIE, type PresentedToken } from './transport.js'
export { CSRF_HEADER, UNSAFE_METHODS, csrfMatches } from './csrf.js'
export { bearerChallenge } from './challenge.js'
export { CsrfError, ForbiddenError, FreshTokenRequiredError, INVALID_TOKEN_CODES, InvalidTokenError, MissingTokenError, ServiceUnavailableError, TokenExpiredError, TokenRevokedError } from './errors.js'
export { REVOCATION_KINDS, epochSeconds, isRevocationKind, revocationTargets, type Revocation, type RevocationKind, type RevocationStore, type RevocationTarget } from './revocation/targets.js'
export { createRevocationView, type RevocationFeed, type RevocationView } from './revocation/view.js'
export { createRedisRevocationFeed } from './revocation/redis-feed.js'
export { createRedisRevocationStore, revocationKeyNames, type RedisRevocationStoreOptions, type RevocationKeyNames } from './revocation/redis-store.js'
export { FIRST_CONNECTION_TIMEOUT_MS, REDIS_CLIENT_OPTIONS, connectRedisSettings, connectWithin, isCluster, isRedisClient, redisConstruction, type RedisAccess, type RedisClusterSettings, type RedisConstruction, type RedisNodeAddress, type RedisSentinelSettings, type RedisSettings, type RevocationCluster, type RevocationRedis, type RevocationServer, type RevocationRedisOptions } from './revocation/redis-client.js'
export { defineScript, type Script, type ScriptRunner } from './script.js'
export { createAuthorize, type AuthorizationOptions, type CheckedRequest, type Requirement } from './authorization.js'
