#!/usr/bin/env bash
# Times ledestjerne against Hugo and Hugo + the Pagefind CLI.
#
#   bash benches/compare-hugo.sh                  # 10,000 synthetic pages, 5 rounds
#   bash benches/compare-hugo.sh 1000 10000 50000 # several sizes, plus time per page
#   bash benches/compare-hugo.sh --scaling        # the same as: 1000 50000
#   bash benches/compare-hugo.sh --course 9963    # the course replicated to about 9,963 pages
#   ROUNDS=3 MODES=cold bash benches/compare-hugo.sh 10000
#   TOOLS="hugo hugo_pagefind" bash benches/compare-hugo.sh --course 9963
#   LEDESTJERNE_BIN=/path/to/old/ledestjerne bash benches/compare-hugo.sh --course 9963
#
# Sites: synthetic (`cargo run --example synth -- --pages N --hugo …`), or
# with --course copies of the repository's own course with ids suffixed per
# copy (`synth --replicate-course N --hugo …`), each also as a Hugo site with
# the same pages. Every round runs each tool in turn, in up to three modes
# (MODES, default "cold rebuild edit"):
#
#   cold     into a new output folder (the old one is removed, outside the timing)
#   rebuild  again into the existing output, nothing changed
#   edit     again into the existing output, after one case got a new sentence
#   edit2    the same once more (ledestjerne then starts from the spare tree
#            the edit before left; see docs/performance.md)
#
# and the tools are
#
#   ours_search   ledestjerne build           (full build with the search index)
#   ours_nosearch ledestjerne build --no-search (everything but the search index)
#   hugo          hugo
#   hugo_pagefind hugo && pagefind --site public
#
# A run is labelled tool/mode (`ours_search/edit`). Wall time, user and
# system CPU time and peak RSS come from `/usr/bin/time -v`; medians over
# the rounds are printed with the ratios. With several sizes, the time per
# page of each is compared with the smallest.
#
# MEM_LIMIT_GB=N caps each timed run's address space (ulimit -v), so a run
# that would exhaust the machine's memory fails alone instead of waking the
# OOM killer; a failed run is reported and left out of the medians.
#
# Installs what it needs when missing: Hugo and GNU time from Debian's
# packages, the Pagefind CLI from npm into $BENCH_CACHE. Sites and raw
# results go to $BENCH_DIR (default target/bench-sites, on the disk the
# repository is on); the output is written there too, so BENCH_DIR chooses
# the file system that is measured (docs/performance.md has runs on three).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
MODES=${MODES:-cold rebuild edit edit2}
TOOLS=${TOOLS:-ours_search ours_nosearch hugo hugo_pagefind}
SEED=${SEED:-1}
WORK=${BENCH_DIR:-target/bench-sites}
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ledestjerne-bench}
PAGEFIND_VERSION=1.6.0

sizes=()
workload=synthetic
for arg in "$@"; do
  case "$arg" in
    --scaling) sizes+=(1000 50000) ;;
    --course) workload=course ;;
    -h | --help) sed -n '2,44p' "$0"; exit 0 ;;
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
# LEDESTJERNE_BIN times another build of ledestjerne (an older commit's, say).
BIN=${LEDESTJERNE_BIN:-$PWD/target/release/ledestjerne}
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
# "label wall_s cpu_s peak_rss_kb user_s sys_s".
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
    END { printf "%s %.2f %.2f %d %.2f %.2f\n", label, wall, user + sys, rss, user, sys }
  ' "$timing" | tee -a "$results"
}

# median FILE LABEL COLUMN: the median of one column over the rows of one label.
median() {
  awk -v label="$2" -v col="$3" '$1 == label && $2 != "FAILED" { print $col }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }

# edit SITE ROUND: one case of SITE gets a new last sentence (the same case
# in both twins: the first case file in sorted order).
edit_case() {
  local file
  # sed reads to the end: `head` would break the pipe, and pipefail the script.
  file=$(find "$1/content/cases" -name '*.md' | sort | sed -n 1p)
  printf '\nEn ny sætning nummer %s om borgerinddragelse.\n' "$2" >>"$file"
}

# measure LABEL RESULTS SITE OUT_DIR CMD...: the runs of MODES for one tool.
measure() {
  local label=$1 results=$2 site=$3 out=$4
  shift 4
  for mode in $MODES; do
    case "$mode" in
      # A new folder: no previous output, nor the spare tree ledestjerne keeps beside it.
      cold) rm -rf "$out" "$(dirname "$out")/.$(basename "$out").spare" ;;
      rebuild) [ -d "$out" ] || "$@" >/dev/null 2>&1 ;;
      edit | edit2) [ -d "$out" ] || "$@" >/dev/null 2>&1; edit_case "$site" "$label-$mode-$round" ;;
    esac
    run "$label/$mode" "$results" "$@"
  done
}

tools=$TOOLS
labels=$(for t in $tools; do for m in $MODES; do printf '%s/%s ' "$t" "$m"; done; done)
summary="$WORK/summary-$workload-$(IFS=-; echo "${sizes[*]}").tsv"
printf "pages\ttool\tmedian_wall_s\tmedian_cpu_s\tmedian_peak_rss_mb\tms_per_page\tmedian_user_s\tmedian_sys_s\n" >"$summary"

for n in "${sizes[@]}"; do
  site="$WORK/$workload-$n/ours"
  hugo_site="$WORK/$workload-$n/hugo"
  results="$WORK/results-$workload-$n.txt"
  echo ">> generating $n pages ($workload) into $WORK/$workload-$n"
  if [ "$workload" = course ]; then
    "$SYNTH" --replicate-course "$n" --out "$site" --hugo "$hugo_site"
  else
    "$SYNTH" --pages "$n" --seed "$SEED" --out "$site" --hugo "$hugo_site"
  fi
  "$BIN" --root "$site" check >/dev/null 2>&1 || { "$BIN" --root "$site" check; exit 1; }
  : >"$results"
  for round in $(seq 1 "$ROUNDS"); do
    echo ">> $n pages, round $round of $ROUNDS: label wall_s cpu_s peak_rss_kb user_s sys_s"
    for tool in $tools; do
      case "$tool" in
        ours_search) measure ours_search "$results" "$site" "$site/public" "$BIN" --root "$site" build ;;
        ours_nosearch) measure ours_nosearch "$results" "$site" "$site/public" "$BIN" --root "$site" build --no-search ;;
        hugo) measure hugo "$results" "$hugo_site" "$hugo_site/public" hugo --source "$hugo_site" --quiet ;;
        hugo_pagefind) measure hugo_pagefind "$results" "$hugo_site" "$hugo_site/public" \
          sh -c 'hugo --source "$1" --quiet && "$2" --site "$1/public" --force-language da --silent' sh "$hugo_site" "$PAGEFIND" ;;
      esac
    done
  done
  for label in $labels; do
    wall=$(median "$results" "$label" 2)
    cpu=$(median "$results" "$label" 3)
    rss=$(awk -v kb="$(median "$results" "$label" 4)" 'BEGIN { printf "%.0f", kb / 1024 }')
    per_page=$(awk -v s="$wall" -v n="$n" 'BEGIN { printf "%.3f", s * 1000 / n }')
    user=$(median "$results" "$label" 5)
    sys=$(median "$results" "$label" 6)
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$n" "$label" "$wall" "$cpu" "$rss" "$per_page" "$user" "$sys" >>"$summary"
  done
done

# --- report ------------------------------------------------------------------
get() { awk -F'\t' -v n="$1" -v t="$2" -v c="$3" '$1 == n && $2 == t { print $c }' "$summary"; }
echo
echo "Medians of $ROUNDS rounds, $workload sites (wall time; CPU = user + sys; RSS = peak resident memory)"
column -t -s $'\t' "$summary"
echo
echo "Ratios of wall time:"
for n in "${sizes[@]}"; do
  for mode in $MODES; do
    echo "$n pages, $mode:"
    echo "  ours with search / (Hugo + Pagefind)  $(ratio "$(get "$n" "ours_search/$mode" 3)" "$(get "$n" "hugo_pagefind/$mode" 3)")"
    echo "  ours with search / Hugo               $(ratio "$(get "$n" "ours_search/$mode" 3)" "$(get "$n" "hugo/$mode" 3)")"
    echo "  ours without search / Hugo            $(ratio "$(get "$n" "ours_nosearch/$mode" 3)" "$(get "$n" "hugo/$mode" 3)")"
  done
done
if [ ${#sizes[@]} -gt 1 ]; then
  first=${sizes[0]}
  echo
  echo "Time per page relative to $first pages:"
  for n in "${sizes[@]:1}"; do
    for label in $labels; do
      echo "  $n pages, $label: $(ratio "$(get "$n" "$label" 6)" "$(get "$first" "$label" 6)")x"
    done
  done
fi
echo
echo "raw runs: $WORK/results-$workload-<pages>.txt; medians: $summary"
