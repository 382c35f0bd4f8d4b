# dockbot as a container image (README › Deployment):
#   docker build -t dockbot .
#   docker run -d -e SLACK_BOT_TOKEN=… -e SLACK_APP_TOKEN=… -e DOCKER_HOST=tcp://socket-proxy:2375 dockbot
# Give it the engine through a socket proxy (deploy/compose.yaml) rather than the engine's own
# socket read-write in a chat-facing process.

# The base of both stages: a Debian (glibc) Node 20 image with npm and a `node` user 1000:1000,
# as the official images are. @node-rs/jieba loads its prebuilt linux-<arch>-gnu binary there.
# Where Docker Hub is out of reach, test/support/base-image.sh makes this tag locally.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts here: `prepare` (our own build) needs the sources, which come next, and the
# dependencies' scripts only try optional native builds (ssh2's cpu-features) that fall back to JS.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# Compile, then drop the dev dependencies so the runtime stage copies production ones only.
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production DOCKBOT_DATA_DIR=/data PORT=3000
WORKDIR /app
# What the package runs: package.json's bin, what `npm run build` made, the notes the FAQ answers from.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/knowledge ./knowledge
# Every command of package.json's bin on PATH (`dockbot exec "ps"` in the container), and the state directory.
RUN node -e 'const fs = require("fs"), path = require("path"), pkg = require("./package.json"); \
      const bin = typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : pkg.bin; \
      for (const [name, file] of Object.entries(bin)) { fs.chmodSync(file, 0o755); fs.symlinkSync(path.resolve(file), "/usr/local/bin/" + name); }' \
    && mkdir -p /data && chown 1000:1000 /data
# The base's `node` user; numeric so that runtimes checking "non-root" (runAsNonRoot) can tell.
# The engine's socket, if mounted, needs its group added: docker run --group-add <gid of the socket>.
USER 1000:1000
VOLUME /data
EXPOSE 3000
# In a chat mode (Slack or Discord settings in the environment) this asks /healthz on PORT: healthy
# when the engine answers and every chat connection is up. The terminal and one-shot commands
# serve no HTTP; there the check has nothing to ask and passes (bin/healthcheck.js says more).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["node", "/app/bin/healthcheck.js"]
ENTRYPOINT ["dockbot"]
CMD ["start"]
