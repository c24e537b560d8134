#!/usr/bin/env bash
# Scores the built course site with Lighthouse (npm) in Debian's Chromium:
# the front page, an actor chapter and a case. Prints one line per page.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/test-tools/lighthouse
[ -x "$tools/node_modules/.bin/lighthouse" ] || npm install --prefix "$tools" --no-audit --no-fund --silent lighthouse@12.8.2
command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }
cargo build --release --locked -q
out=$(mktemp -d)/public
./target/release/ledestjerne build --output "$out"
port=${PORT:-8790}
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out" >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 1
for page in "" aktoerer/borgere/ cases/ungecenter-broenderslev/; do
  report=$(mktemp --suffix .json)
  CHROME_PATH=/usr/bin/chromium "$tools/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$page" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    --output=json --output-path="$report" >/dev/null 2>&1
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('/' + sys.argv[2], ' '.join(f\"{k}={round(v['score']*100)}\" for k, v in d['categories'].items()))" "$report" "$page"
done
