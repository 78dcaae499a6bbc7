#!/usr/bin/env bash
# Builds and starts the whole DeOSS development system on loopback: a dev
# chain (JSON-RPC on ws://127.0.0.1:9944), two schedulers and fourteen
# storage miners in DE, FR and US, every one funded, registered and serving,
# each with its own keys, configuration, log and data under
# target/dev-system/ (or --dir DIR). Prints where each listens, then
# `system ready`; Ctrl-C stops every process.
#
# Arguments go to deoss-dev: --dir DIR --miners N --schedulers N
# --regions DE,FR,US --block-time MS --rpc-port PORT --capacity-gib N
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/deoss/target}"

./scripts/setup.sh
# The same build as scripts/test.sh (whole workspace, one feature set), so
# running the system after the tests, or the other way round, rebuilds nothing.
cargo build --workspace --all-targets --locked
exec "$CARGO_TARGET_DIR/debug/deoss-dev" "$@"
