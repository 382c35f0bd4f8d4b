# dockbot as a container. Give it the engine through a socket proxy (deploy/compose.yaml),
# not by mounting /var/run/docker.sock read-write into a chat-facing process.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY commands ./commands
RUN npx tsc -p tsconfig.json

FROM node:20-bookworm-slim
ENV NODE_ENV=production DOCKBOT_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && mkdir -p /data && chown node:node /data
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY knowledge ./knowledge
USER node
VOLUME /data
ENTRYPOINT ["node", "bin/dockbot.js"]
CMD ["start"]
