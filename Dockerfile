# syntax=docker/dockerfile:1
# One image recipe for every FFFoto process; pick the process with --target:
#   gateway | users | posts | social | media | media-worker | migrate
# e.g. docker build --target users -t fffoto-users .   (docker-compose.yml builds each one)
# Processes run TypeScript directly through tsx, as in development: there is no build step.
# `node --import tsx`, not `npx tsx`: no npm process in between (signals reach ours directly, and
# nothing writes under $HOME, so a read-only root filesystem works; tsx caches in /tmp).
# HOST=0.0.0.0: in a container the network policy is the boundary (outside one, subgraphs and the
# worker's health server listen on loopback by default).

FROM node:20-bookworm-slim AS base
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    HOST=0.0.0.0
WORKDIR /app
RUN chown node:node /app

# Only the package manifests, so the `npm ci` layer below is rebuilt when dependencies change,
# not on every source edit. Workspaces are found, not listed: new subgraphs need no edit here.
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && cp package.json package-lock.json /manifests/ \
 && find . -mindepth 2 -name node_modules -prune -o -name package.json -print \
    | xargs -r cp --parents -t /manifests

FROM base AS build
USER node
COPY --chown=node:node --from=manifests /manifests/ ./
# postinstall runs `npm run generate:prisma`, which needs the schema and its script.
COPY --chown=node:node prisma.config.ts ./
COPY --chown=node:node prisma ./prisma
COPY --chown=node:node scripts/prisma-generate.mjs ./scripts/
RUN npm ci
COPY --chown=node:node . .
RUN npm run generate:prisma

# Debian's ffmpeg (5.1), kept in its own stage so source edits do not reinstall it.
FROM base AS with-ffmpeg
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*

FROM build AS gateway
EXPOSE 4000
# Flags: gateway/src/node-flags.ts says why (tests/compose.test.ts keeps the two equal).
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "gateway/src/main.ts"]

FROM build AS users
EXPOSE 4001
CMD ["node", "--import", "tsx", "subgraphs/users/src/main.ts"]

FROM build AS posts
EXPOSE 4002
CMD ["node", "--import", "tsx", "subgraphs/posts/src/main.ts"]

FROM build AS social
EXPOSE 4003
CMD ["node", "--import", "tsx", "subgraphs/social/src/main.ts"]

FROM build AS migrate
CMD ["node", "--import", "tsx", "scripts/migrate.ts"]

# The media subgraph gets ffmpeg too: previewLoop renders on the request path.
FROM with-ffmpeg AS media
COPY --chown=node:node --from=build /app /app
USER node
EXPOSE 4004
CMD ["node", "--import", "tsx", "subgraphs/media/src/main.ts"]

FROM with-ffmpeg AS media-worker
COPY --chown=node:node --from=build /app /app
USER node
EXPOSE 4005
CMD ["node", "--import", "tsx", "subgraphs/media/src/worker/main.ts"]
