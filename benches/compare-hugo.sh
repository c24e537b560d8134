#!/usr/bin/env bash
# Times ledestjerne against Hugo and Hugo + the Pagefind CLI on synthetic sites.
#
#   bash benches/compare-hugo.sh                  # 10,000 pages, 5 rounds
#   bash benches/compare-hugo.sh 1000 10000 50000 # several sizes, plus time per page
#   bash benches/compare-hugo.sh --scaling        # the same as: 1000 50000
#   ROUNDS=3 bash benches/compare-hugo.sh 10000
#
# For each size N the synthetic site is generated twice with the same pages
# (`cargo run --example synth -- --pages N --hugo …`), then every round runs,
# one after the other:
#
#   ours_search   ledestjerne build           (full build with the search index, written to disk)
#   ours_nosearch ledestjerne build --no-search (everything but the search index, written to disk)
#   hugo          hugo                        (written to disk)
#   hugo_pagefind hugo && pagefind --site public
#
# Output folders are removed before each timed run, outside the timing.
# Wall time, CPU time (user + sys) and peak RSS come from `/usr/bin/time -v`;
# medians over the rounds are printed with the ratios. With several sizes,
# the time per page of each is compared with the smallest.
#
# MEM_LIMIT_GB=N caps each timed run's address space (ulimit -v), so a run
# that would exhaust the machine's memory fails alone instead of waking the
# OOM killer; a failed run is reported and left out of the medians.
#
# Installs what it needs when missing: Hugo and GNU time from Debian's
# packages, the Pagefind CLI from npm into $BENCH_CACHE. Sites and raw
# results go to $BENCH_DIR (default target/bench-sites); the output is
# written there too, so BENCH_DIR chooses the file system that is measured
# (docs/performance.md has runs on three).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
SEED=${SEED:-1}
WORK=${BENCH_DIR:-target/bench-sites}
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ledestjerne-bench}
PAGEFIND_VERSION=1.6.0

sizes=()
for arg in "$@"; do
  case "$arg" in
    --scaling) sizes+=(1000 50000) ;;
    -h | --help) sed -n '2,31p' "$0"; exit 0 ;;
    *[!0-9]* | '') echo "error: not a page count: $arg" >&2; exit 2 ;;
    *) sizes+=("$arg") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)

# --- tools -------------------------------------------------------------------
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  [ -n "$apt_updated" ] || { as_root apt-get update -q; apt_updated=1; }
  as_root apt-get install -y -q --no-install-recommends "$@"
}
command -v hugo >/dev/null || { echo ">> installing Hugo from Debian's packages"; apt_install hugo; }
[ -x /usr/bin/time ] || { echo ">> installing GNU time"; apt_install time; }
PAGEFIND="$CACHE/node_modules/.bin/pagefind"
if ! "$PAGEFIND" --version 2>/dev/null | grep -qF "$PAGEFIND_VERSION"; then
  command -v npm >/dev/null || { echo ">> installing npm"; apt_install npm; }
  echo ">> installing the Pagefind CLI $PAGEFIND_VERSION from npm into $CACHE"
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-audit --no-fund --silent "pagefind@$PAGEFIND_VERSION"
fi

echo ">> building ledestjerne and the site generator (release)"
cargo build --release --quiet --bin ledestjerne --example synth
BIN="$PWD/target/release/ledestjerne"
SYNTH="$PWD/target/release/examples/synth"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
# The file system matters: ext4 without a journal, for one, scans past every
# inode deleted in the last minutes on each file it creates (see
# docs/performance.md), which slows every tool round after round.
fs=$(findmnt -n -o FSTYPE,SOURCE -T "$WORK" 2>/dev/null | head -n 1)
echo ">> sites and output in $WORK: ${fs:-file system unknown}"

# --- measuring ---------------------------------------------------------------
# run LABEL RESULTS CMD...: one timed run, appended to RESULTS as
# "label wall_s cpu_s peak_rss_kb".
run() {
  local label=$1 results=$2
  shift 2
  local timing="$WORK/last-time.txt" log="$WORK/last-run.log"
  rm -f "$timing"
  if ! (if [ -n "${MEM_LIMIT_GB:-}" ]; then ulimit -v $((MEM_LIMIT_GB * 1024 * 1024)); fi
    exec /usr/bin/time -v -o "$timing" "$@") >"$log" 2>&1; then
    echo "$label FAILED (left out of the medians):" >&2
    tail -5 "$log" >&2
    grep -E "Elapsed|Maximum resident" "$timing" >&2 || true
    echo "$label FAILED" >>"$results"
    return 0
  fi
  awk -v label="$label" '
    /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
    /User time/ { user = $NF }
    /System time/ { sys = $NF }
    /Maximum resident set size/ { rss = $NF }
    END { printf "%s %.2f %.2f %d\n", label, wall, user + sys, rss }
  ' "$timing" | tee -a "$results"
}

# median FILE LABEL COLUMN: the median of one column over the rows of one label.
median() {
  awk -v label="$2" -v col="$3" '$1 == label && $2 != "FAILED" { print $col }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }

summary="$WORK/summary-$(IFS=-; echo "${sizes[*]}").tsv"
printf "pages\ttool\tmedian_wall_s\tmedian_cpu_s\tmedian_peak_rss_mb\tms_per_page\n" >"$summary"

for n in "${sizes[@]}"; do
  site="$WORK/$n/ours"
  hugo_site="$WORK/$n/hugo"
  results="$WORK/results-$n.txt"
  echo ">> generating $n pages (seed $SEED) into $WORK/$n"
  "$SYNTH" --pages "$n" --seed "$SEED" --out "$site" --hugo "$hugo_site"
  "$BIN" --root "$site" check >/dev/null 2>&1 || { "$BIN" --root "$site" check; exit 1; }
  : >"$results"
  for round in $(seq 1 "$ROUNDS"); do
    echo ">> $n pages, round $round of $ROUNDS: label wall_s cpu_s peak_rss_kb"
    rm -rf "$site/public"
    run ours_search "$results" "$BIN" --root "$site" build
    rm -rf "$site/public"
    run ours_nosearch "$results" "$BIN" --root "$site" build --no-search
    rm -rf "$hugo_site/public"
    run hugo "$results" hugo --source "$hugo_site" --quiet
    rm -rf "$hugo_site/public"
    run hugo_pagefind "$results" sh -c 'hugo --source "$1" --quiet && "$2" --site "$1/public" --silent' sh "$hugo_site" "$PAGEFIND"
  done
  for tool in ours_search ours_nosearch hugo hugo_pagefind; do
    wall=$(median "$results" "$tool" 2)
    cpu=$(median "$results" "$tool" 3)
    rss=$(awk -v kb="$(median "$results" "$tool" 4)" 'BEGIN { printf "%.0f", kb / 1024 }')
    per_page=$(awk -v s="$wall" -v n="$n" 'BEGIN { printf "%.3f", s * 1000 / n }')
    printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$n" "$tool" "$wall" "$cpu" "$rss" "$per_page" >>"$summary"
  done
done

# --- report ------------------------------------------------------------------
get() { awk -F'\t' -v n="$1" -v t="$2" -v c="$3" '$1 == n && $2 == t { print $c }' "$summary"; }
echo
echo "Medians of $ROUNDS rounds (wall time; CPU = user + sys; RSS = peak resident memory)"
column -t -s $'\t' "$summary"
echo
for n in "${sizes[@]}"; do
  echo "$n pages:"
  echo "  ours with search / (Hugo + Pagefind)  $(ratio "$(get "$n" ours_search 3)" "$(get "$n" hugo_pagefind 3)")"
  echo "  ours with search / Hugo               $(ratio "$(get "$n" ours_search 3)" "$(get "$n" hugo 3)")"
  echo "  ours without search / Hugo            $(ratio "$(get "$n" ours_nosearch 3)" "$(get "$n" hugo 3)")"
done
if [ ${#sizes[@]} -gt 1 ]; then
  first=${sizes[0]}
  echo
  echo "Time per page relative to $first pages:"
  for n in "${sizes[@]:1}"; do
    for tool in ours_search ours_nosearch hugo hugo_pagefind; do
      echo "  $n pages, $tool: $(ratio "$(get "$n" "$tool" 6)" "$(get "$first" "$tool" 6)")x"
    done
  done
fi
echo
echo "raw runs: $WORK/results-<pages>.txt; medians: $summary"
