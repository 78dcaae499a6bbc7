#!/usr/bin/env bash
# Builds and starts the DeOSS development system: a single-node dev chain
# (JSON-RPC on ws://127.0.0.1:9944, a block every 3 s, dev accounts
# endowed). Extra arguments go to deoss-node, e.g. `--sealing instant`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/deoss/target}"

./scripts/setup.sh
# The same build as scripts/test.sh (whole workspace, one feature set), so
# running the system after the tests, or the other way round, rebuilds nothing.
cargo build --workspace --all-targets --locked
exec "$CARGO_TARGET_DIR/debug/deoss-node" --dev --rpc-cors all "$@"
