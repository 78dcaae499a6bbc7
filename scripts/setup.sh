#!/usr/bin/env bash
# Installs what a fresh Debian machine with rustup lacks to build and test
# DeOSS: the wasm target for the runtime, protoc for the network stack, and,
# with --for-tests, the clients the end-to-end tests drive: the npm packages
# of the polkadot.js test, rclone (Debian), and boto3, aws-cli and pytest
# and tuspy (PyPI) for the gateway's S3 and tus tests. Safe to run again: it skips what is
# already there.
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

FOR_TESTS=""
case "${1:-}" in --for-tests | --with-js) FOR_TESTS=1 ;; esac

if [ -n "$FOR_TESTS" ] && ! command -v rclone >/dev/null 2>&1; then
	echo "setup: installing rclone"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rclone >/dev/null
fi

if [ -n "$FOR_TESTS" ] && ! python3 -c "import boto3, pytest, tusclient" >/dev/null 2>&1; then
	echo "setup: installing boto3, pytest and tuspy"
	python3 -m pip install --quiet --disable-pip-version-check boto3 pytest tuspy ||
		python3 -m pip install --quiet --disable-pip-version-check --break-system-packages boto3 pytest tuspy
fi

if [ -n "$FOR_TESTS" ] && ! command -v aws >/dev/null 2>&1; then
	echo "setup: installing aws-cli"
	python3 -m pip install --quiet --disable-pip-version-check awscli ||
		python3 -m pip install --quiet --disable-pip-version-check --break-system-packages awscli
fi

if [ -n "$FOR_TESTS" ] && [ ! -d tests/polkadotjs/node_modules/@polkadot/api ]; then
	echo "setup: installing @polkadot/api for the polkadot.js test"
	(cd tests/polkadotjs && npm ci --no-audit --no-fund --loglevel=error)
fi
