#!/usr/bin/env bash
# Runs every test: unit and property tests of all crates, and the end-to-end
# tests that start real deoss-node processes (dev chain, restart, two-validator
# testnet, polkadot.js). Prints the test runner's summary last.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/deoss/target}"

./scripts/setup.sh --for-tests

if ! cargo nextest --version >/dev/null 2>&1; then
	echo "test: installing cargo-nextest"
	cargo install cargo-nextest --locked
fi

# The pallets' benchmarks, run once each against their mock runtimes: they
# must keep working, since every call's weight is measured with them.
SKIP_WASM_BUILD=1 cargo nextest run --locked --no-fail-fast --features runtime-benchmarks \
	-p pallet-storage-space -p pallet-storage-providers -p pallet-oss -p pallet-file-bank -p pallet-audit -E 'test(/bench/)'

# One build of everything, the node with its wasm runtime included; the
# e2e tests find the node binary next to themselves in the target dir.
cargo build --workspace --all-targets --locked
cargo nextest run --workspace --locked --no-fail-fast "$@"
