# syntax=docker/dockerfile:1
# Build stage: full Node 24 LTS image, which has the compilers better-sqlite3 falls back to.
FROM node:24-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY packages/fastify ./packages/fastify
COPY examples/orders-service/package.json ./examples/orders-service/package.json
COPY src ./src
COPY plugins ./plugins
COPY routes ./routes
# npm ci also builds (the prepare script: the verifier package, then the service), so the operator CLI's bin exists.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

# Runtime stage: slim image, compiled code and production dependencies only, as the unprivileged node user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# node_modules/@gatehouse-auth/fastify links here (an npm workspace): its manifest and build only.
COPY --from=build /app/packages/fastify/package.json ./packages/fastify/package.json
COPY --from=build /app/packages/fastify/dist ./packages/fastify/dist
# `gatehouse <command>` on the PATH: the operator CLI of this image, never a package fetched by npx.
RUN ln -s /app/dist/src/cli/index.js /usr/local/bin/gatehouse && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/server.js"]
