#!/usr/bin/env bash
# Installs what a fresh Debian machine with rustup lacks to build and test
# DeOSS: the wasm target for the runtime, protoc for the network stack, and
# the npm packages of the polkadot.js test. Safe to run again: it skips what
# is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32v1-none; then
	echo "setup: adding rustup target wasm32v1-none"
	rustup target add wasm32v1-none
fi

if ! command -v protoc >/dev/null 2>&1; then
	echo "setup: installing protobuf-compiler"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq protobuf-compiler >/dev/null
fi

if [ "${1:-}" = "--with-js" ] && [ ! -d tests/polkadotjs/node_modules/@polkadot/api ]; then
	echo "setup: installing @polkadot/api for the polkadot.js test"
	(cd tests/polkadotjs && npm ci --no-audit --no-fund --loglevel=error)
fi
