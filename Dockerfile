# reelbot: the bot, workers and gallery in one image.
# Build: docker build -t reelbot .    Run: docker run --env-file .env -p 3000:3000 -v reelbot-data:/app/data reelbot

FROM node:20-bookworm-slim AS build
WORKDIR /app
# headless-gl and better-sqlite3 compile from source: they need a toolchain and the X/GL headers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ pkg-config \
      libxi-dev libxext-dev libx11-dev libglu1-mesa-dev \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# reelbot runs compiled JavaScript in the image: one lean process, no TypeScript loader.
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
# ffmpeg encodes and probes videos; Xvfb gives headless-gl its display; the GL runtime libraries
# are what the compiled gl addon links against.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core xvfb xauth libxi6 libxext6 libx11-6 libglu1-mesa libgl1 tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY package.json commands.json ./
COPY bin ./bin
# No sources: bin/reelbot runs dist/cli.js.
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
ENV NODE_ENV=production DATA_DIR=/app/data PORT=3000
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini forwards SIGTERM so reelbot can finish status edits and close the database.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["bin/reelbot", "start"]
