#!/usr/bin/env bash
# Before the tests: make sure the programs the private test engine needs are installed.
# As root with apt-get (this project's machines and CI) it installs what is missing;
# elsewhere it only says what is missing (integration tests then skip, or fail under CI=true).
set -euo pipefail
need=()
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || need+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
# git contexts of `build`: the engine clones with git on its host; the tests serve a repository with `git daemon`.
command -v git >/dev/null 2>&1 || need+=(git)
# deploy/compose.yaml and deploy/stack.yaml are checked with `docker-compose config`.
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
# The image test makes the Dockerfile's base image locally (test/support/base-image.sh).
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
# The test image is FROM scratch: only the static busybox works there (Debian's plain busybox is dynamic).
if command -v dpkg >/dev/null 2>&1; then
  dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
else
  command -v busybox >/dev/null 2>&1 || need+=(busybox-static)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "test prerequisites missing: ${need[*]} (install them, or set DOCKBOT_TEST_DOCKER_HOST to a test engine)" >&2
fi
