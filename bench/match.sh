#!/usr/bin/env bash
# bench/match.sh — the matcher on a synthetic region (part of `make bench`):
# 10,000 needs × 5,000 resources over 1,200 schools in 96 counties, solved exactly
# (min-cost flow, src/core/match.c) and greedily, through bench/match_bench.c on one
# core. Prints the figures and writes them as JSON to build/bench-match.json.
# Arguments (optional): NEEDS RESOURCES SCHOOLS SEED.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
mkdir -p build
cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -Isrc -o build/bench-match \
    bench/match_bench.c src/core/match.c
out=$(build/bench-match "$@")
printf '%s\n' "$out" >build/bench-match.json
jq -r '"",
  "matching: \(.needs) needs × \(.resources) resources, \(.schools) schools, \(.allowed_pairs) allowed pairs, \(.components) components",
  "  exact (min-cost flow): \(.solve_s * 1000 | round) ms, \(.phases) phases, \(.pairs) pairs, objective \(.objective)",
  "  greedy baseline:       \(.greedy_s * 1000 | round) ms, \(.greedy_pairs) pairs, objective \(.greedy_objective)",
  "  optimality gap: exact meets \(.gap_percent * 100 | round / 100)% more weighted need than greedy",
  "  peak memory (maxrss): \(.peak_rss_mib) MiB; aim: under 1 s on one core — \(if .solve_s < 1 then "met" else "NOT met" end)"' \
    build/bench-match.json
