#!/usr/bin/env bash
# HTTP figures for usage limits (BENCHMARKS.md, "Usage limits"). Needs wrk (apt-get install wrk).
# Run from the repository root after: mvn -q package -DskipTests
#   1. PostgreSQL: the same endpoint through the Servlet filter with an unlimited key and with a
#      rate-limited key whose limit never triggers (3 interleaved rounds, medians by eye).
#   2. SQLite: a legitimate client (127.0.0.1, one cached key) alone, then while FloodClient sends
#      distinct unknown ids from 127.0.0.2.
set -euo pipefail
JAR=benchmarks/target/pkauth-benchmarks.jar
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
OUT=$(mktemp -d)

start_server() {
  java -cp "$JAR" dev.pkauth.bench.BenchServer "$@" >"$OUT/server.out" 2>"$OUT/server.err" &
  SERVER=$!
  for _ in $(seq 1 300); do grep -q READY "$OUT/server.out" && return; sleep 0.2; done
  echo "server did not start"; cat "$OUT/server.err"; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" || true; }
load() { # label token
  wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $2" "http://127.0.0.1:$PORT/servlet/hello" >"$OUT/wrk.txt"
  printf '%-28s %10s req/s  requests %9s  p50 %8s  p99 %8s\n' "$1" \
    "$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")" "$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")" \
    "$(awk '$1 == "50%" {print $2}' "$OUT/wrk.txt")" "$(awk '$1 == "99%" {print $2}' "$OUT/wrk.txt")"
}

echo "== PostgreSQL: unlimited vs rate-limited key (limit never reached)"
start_server postgresql
read -r _ PORT UNLIMITED LIMITED < <(grep READY "$OUT/server.out")
SECONDS_PER_RUN=3 load warm-up-unlimited "$UNLIMITED" >/dev/null; SECONDS_PER_RUN=3 load warm-up-limited "$LIMITED" >/dev/null
LIMITED_REQUESTS=0
for round in 1 2 3; do
  load "unlimited (round $round)" "$UNLIMITED"
  load "rate-limited (round $round)" "$LIMITED"
  LIMITED_REQUESTS=$((LIMITED_REQUESTS + $(awk '/requests in/ {print $1}' "$OUT/wrk.txt")))
done
sleep 1 # PostgreSQL publishes table statistics within a second
WRITES=$(curl -s "http://127.0.0.1:$PORT/plain/usage-writes")
stop_server
echo "rate-limited requests in the measured rounds: $LIMITED_REQUESTS (plus a 3 s warm-up); rows written to the shared window table, warm-up included: $WRITES"

echo "== SQLite: legitimate client alone, then during a flood of unknown ids from 127.0.0.2"
start_server
read -r _ PORT TOKEN < <(grep READY "$OUT/server.out")
SECONDS_PER_RUN=3 load warm-up "$TOKEN" >/dev/null
for round in 1 2 3; do
  load "alone (round $round)" "$TOKEN"
  java -cp "$JAR" dev.pkauth.bench.FloodClient "$PORT" "$((SECONDS_PER_RUN + 2))" 2 127.0.0.2 >"$OUT/flood.txt" &
  FLOOD=$!
  sleep 1
  load "during flood (round $round)" "$TOKEN"
  wait "$FLOOD"; cat "$OUT/flood.txt"
done
stop_server
