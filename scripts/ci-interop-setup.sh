#!/bin/sh
# Installs the Debian BitTorrent clients the interop tests use as seeders
# (test/interop/engine-*.test.ts; each test skips with a reason when its client is missing).
set -eu
SUDO=''
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends aria2 transmission-cli
