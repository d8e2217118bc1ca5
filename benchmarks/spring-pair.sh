#!/usr/bin/env bash
# Spring, measured as users compare it (issue 25, BENCHMARKS.md "SP"): the same Spring Boot
# application with pkauth's starter and with a hand-written filter (benchmarks/spring, the
# comparison), and the Spring example, on one SQLite file, same JVM flags; wrk with keep-alive.
# Interleaved rounds (pkauth, hand-written, example, then again), each side in a fresh JVM warmed
# up on every route first, the routes in a rotated order each round; prints each round and the medians.
#
#   mvn -q -pl benchmarks/spring,examples/spring-boot -am package -DskipTests
#   benchmarks/spring-pair.sh [rounds=3] [seconds=8]
# EXAMPLE_BEFORE=<an older pkauth-spring-example.jar> adds it as a fourth side, "example-before".
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-8}
PAIR=benchmarks/spring/target/pkauth-spring-bench.jar
EXAMPLE=examples/spring-boot/target/pkauth-spring-example.jar
JVM=(-Xmx1g -Xms1g)
WRK=(-t2 -c16 --latency)
work=$(mktemp -d "${TMPDIR:-/tmp}/pkauth-spring-pair.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

java "${JVM[@]}" -jar "$PAIR" mint "jdbc:sqlite:$work/pair.db" > "$work/keys.txt"
KEY=$(sed -n 's/^KEY=//p' "$work/keys.txt" | head -1)
# 64 keys in rotation: one per request, round robin per wrk connection.
{
  echo 'local keys = {'
  sed -n 's/^KEY=\(.*\)/  "\1",/p' "$work/keys.txt"
  echo '}'
  echo 'local i = 0'
  echo 'request = function() i = i % #keys + 1; return wrk.format("GET", "/api/docs", {["Authorization"] = "Bearer " .. keys[i]}) end'
} > "$work/rotate.lua"

wait_up() { for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "no server on $1" >&2; exit 1; }

# wrk's figures as "req/s p50_ms p99_ms".
measure() {
  wrk "${WRK[@]}" -d"${SECONDS_PER_RUN}s" "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }'
}

run_side() { # name port key -- command…
  local name=$1 port=$2 key=$3; shift 4
  "$@" > "$work/$name.log" 2>&1 &
  local pid=$!
  wait_up "$port"
  [ "$key" = "-" ] && key=$(sed -n 's/^ *PKAUTH_DEMO_KEY=//p' "$work/$name.log" | head -1)
  local base="http://127.0.0.1:$port"
  for warm in 1 2; do
    wrk -t2 -c16 -d3s -H "Authorization: Bearer $key" "$base/api/docs" >/dev/null
    wrk -t2 -c16 -d3s "$base/api/docs" >/dev/null
    wrk -t2 -c16 -d3s "$base/health" >/dev/null
  done
  # The routes in a different order each round: the first figure after the warm-up reads lower.
  local routes=(valid rotate64 nokey health)
  local shift=$(( (round - 1) % ${#routes[@]} ))
  for i in "${!routes[@]}"; do
    case "${routes[$(( (i + shift) % ${#routes[@]} ))]}" in
      valid) echo "$name valid $(measure -H "Authorization: Bearer $key" "$base/api/docs")" ;;
      rotate64) if [ "${name#example}" = "$name" ]; then echo "$name rotate64 $(measure -s "$work/rotate.lua" "$base/api/docs")"; fi ;;
      nokey) echo "$name nokey $(measure "$base/api/docs")" ;;
      health) echo "$name health $(measure "$base/health")" ;;
    esac
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
  PAIR_JDBC_URL="jdbc:sqlite:$work/pair.db" run_side pkauth 18091 "$KEY" -- \
    java "${JVM[@]}" -jar "$PAIR" --spring.profiles.active=pkauth --server.port=18091
  PAIR_JDBC_URL="jdbc:sqlite:$work/pair.db" run_side handwritten 18092 "$KEY" -- \
    java "${JVM[@]}" -jar "$PAIR" --spring.profiles.active=handwritten --server.port=18092
  PORT=18093 PKAUTH_JDBC_URL="jdbc:sqlite:$work/example.db" PKAUTH_DEMO_PASSWORD=bench run_side example 18093 - -- \
    java "${JVM[@]}" -jar "$EXAMPLE"
  rm -f "$work/example.db"*
  if [ -n "${EXAMPLE_BEFORE:-}" ]; then
    PORT=18094 PKAUTH_JDBC_URL="jdbc:sqlite:$work/example.db" PKAUTH_DEMO_PASSWORD=bench run_side example-before 18094 - -- \
      java "${JVM[@]}" -jar "$EXAMPLE_BEFORE"
    rm -f "$work/example.db"*
  fi
done | tee "$work/runs.txt" | sed 's/^/round: /'

echo
echo "medians of $ROUNDS rounds (req/s, p50 ms, p99 ms):"
awk '{ k = $1 " " $2; n[k]++; r[k, n[k]] = $3; a[k, n[k]] = $4; b[k, n[k]] = $5; order[k] = NR }
  function med(arr, k, c,   i, j, t, v) { for (i = 1; i <= c; i++) v[i] = arr[k, i]
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }
  END { for (k in n) printf "%-22s %8.0f %7.3f %7.3f\n", k, med(r, k, n[k]), med(a, k, n[k]), med(b, k, n[k]) }' "$work/runs.txt" | sort
