#!/usr/bin/env bash
# Runs every test of ledestjerne: the Rust unit and integration tests, then the
# browser tests in headless Chromium. Installs what the tests need on a fresh
# Debian machine (Chromium from Debian's packages, the npm packages of the
# browser tests); nothing is skipped because a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v chromium >/dev/null 2>&1; then
  echo ">> installing Chromium from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  need_root apt-get update -q
  need_root apt-get install -y -q chromium
fi
command -v node >/dev/null || { echo "error: Node.js is needed for the browser tests" >&2; exit 1; }

echo ">> installing the browser tests' npm packages"
(cd tests/browser && npm ci --no-audit --no-fund --silent)

echo ">> building (release)"
cargo build --release --locked

echo ">> Rust tests"
cargo test --release --locked

echo ">> browser tests (headless Chromium)"
export LEDESTJERNE_BIN="$PWD/target/release/ledestjerne"
(cd tests/browser && node --test --test-concurrency=1)
