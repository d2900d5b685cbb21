# `make start` and `make test` work on a fresh Debian machine: `setup` installs what is missing
# (as root) and is quick when everything is there already.

SHELL := /bin/bash
DEB_PACKAGES := ffmpeg xvfb xauth libxi-dev libxext-dev libx11-dev libglu1-mesa-dev pkg-config chromium redis-server postgresql

.PHONY: setup build start test lint typecheck unit bench bench-sim

setup: node_modules/.installed

# Reinstalls node modules only when the lockfile changed, or a Debian package is missing
# (headless-gl is compiled against the X and GL headers).
node_modules/.installed: package-lock.json
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing Debian packages. Run as root:"; \
	    echo "  apt-get update && apt-get install -y --no-install-recommends $$missing"; \
	    exit 1; \
	  fi; \
	fi
	npm ci --no-audit --no-fund
	@touch $@

# The compiled build that bin/reelbot runs (one lean process); rebuilt when a source changed.
# Without it bin/reelbot runs the sources through tsx, so nothing breaks when it is missing or stale.
build: dist/cli.js

dist/cli.js: node_modules/.installed tsconfig.json tsconfig.build.json $(shell find src -type f)
	npm run build

start: setup build
	bin/reelbot start

lint: setup
	npx biome check .

typecheck: setup
	npx tsc --noEmit

unit: setup
	npx vitest run

test: setup lint typecheck unit

bench: setup
	npm run bench

bench-sim: setup build
	npm run bench:sim
