# syntax=docker/dockerfile:1
# Multi-stage image: build with dev dependencies, run with production ones under LiteFS.

FROM node:20-bookworm-slim AS base
ENV NODE_ENV=production
# fuse3 for LiteFS, sqlite3 for debugging in a console, chromium for PDF reports.
RUN apt-get update \
  && apt-get install -y --no-install-recommends fuse3 sqlite3 ca-certificates chromium \
  && rm -rf /var/lib/apt/lists/*

FROM base AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY other/generate-client.mjs other/generate-client.mjs
COPY prisma/schema.prisma prisma/schema.prisma
RUN NODE_ENV=development npm ci --no-audit --no-fund

FROM deps AS build
WORKDIR /app
COPY . .
RUN npm run build && npm prune --omit=dev

FROM base
COPY --from=flyio/litefs:0.5 /usr/local/bin/litefs /usr/local/bin/litefs
WORKDIR /app
ENV LITEFS_DIR=/litefs/data \
    DATABASE_FILENAME=app.db \
    DATABASE_URL=file:/litefs/data/app.db \
    DATA_DIR=/data/files \
    PORT=3000 \
    INTERNAL_PORT=8080 \
    CHROMIUM_PATH=/usr/bin/chromium
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/build build
COPY --from=build /app/public public
COPY --from=build /app/server-build server-build
COPY --from=build /app/prisma prisma
COPY other/litefs.yml /etc/litefs.yml
RUN mkdir -p /data /litefs
ENTRYPOINT ["litefs", "mount"]
