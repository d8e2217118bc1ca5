#!/usr/bin/env bash
# Every stack in one table (issue 25 §3, BENCHMARKS.md "Every stack"): the Servlet filter and the
# JAX-RS filter on one Jetty (BenchServer: a trivial endpoint behind each, and the same endpoints
# with no filter, which is each stack's own ceiling), and the Servlet filter on an embedded Tomcat
# (benchmarks/tomcat, the same endpoint and ceiling), wrk with keep-alive, interleaved rounds with
# the routes in a rotated order each round; prints each round and the medians. The Spring rows
# come from benchmarks/spring-pair.sh, run right after this in the same session.
#
#   mvn -q -pl benchmarks,benchmarks/tomcat -am package -DskipTests
#   benchmarks/every-stack.sh [rounds=3] [seconds=8]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-8}
JAR=benchmarks/target/pkauth-benchmarks.jar
TOMCAT_JAR=benchmarks/tomcat/target/pkauth-tomcat-bench.jar
work=$(mktemp -d "${TMPDIR:-/tmp}/pkauth-every-stack.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

java -Xmx1g -Xms1g -cp "$JAR" dev.pkauth.bench.BenchServer > "$work/server.out" 2> "$work/server.err" &
for _ in $(seq 1 120); do grep -q '^READY ' "$work/server.out" 2>/dev/null && break; sleep 0.5; done
read -r _ PORT KEY < <(grep '^READY ' "$work/server.out")
BASE="http://127.0.0.1:$PORT"
java -Xmx1g -Xms1g -jar "$TOMCAT_JAR" > "$work/tomcat.out" 2> "$work/tomcat.err" &
for _ in $(seq 1 120); do grep -q '^READY ' "$work/tomcat.out" 2>/dev/null && break; sleep 0.5; done
read -r _ TPORT TKEY < <(grep '^READY ' "$work/tomcat.out")
TBASE="http://127.0.0.1:$TPORT"

measure() { # wrk's figures as "req/s p50_ms p99_ms"
  wrk -t2 -c16 --latency -d"${SECONDS_PER_RUN}s" "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }'
}

# name, then wrk's arguments
routes=(
  "servlet-valid|-H|Authorization: Bearer $KEY|$BASE/servlet/hello"
  "servlet-nokey|$BASE/servlet/hello"
  "servlet-ceiling|-H|Authorization: Bearer $KEY|$BASE/plain/hello"
  "jaxrs-valid|-H|Authorization: Bearer $KEY|$BASE/jaxrs/hello"
  "jaxrs-nokey|$BASE/jaxrs/hello"
  "jaxrs-ceiling|-H|Authorization: Bearer $KEY|$BASE/jaxrs-plain/hello"
  "tomcat-valid|-H|Authorization: Bearer $TKEY|$TBASE/servlet/hello"
  "tomcat-nokey|$TBASE/servlet/hello"
  "tomcat-ceiling|-H|Authorization: Bearer $TKEY|$TBASE/plain/hello"
)
run() { IFS='|' read -r -a parts <<< "$1"; echo "${parts[0]} $(measure "${parts[@]:1}")"; }
for r in "${routes[@]}"; do IFS='|' read -r -a parts <<< "$r"; wrk -t2 -c16 -d3s "${parts[@]:1}" > /dev/null; done

for round in $(seq 1 "$ROUNDS"); do
  shift_by=$(( (round - 1) % ${#routes[@]} ))
  for i in "${!routes[@]}"; do run "${routes[$(( (i + shift_by) % ${#routes[@]} ))]}"; done | sed "s/^/round $round /" | tee -a "$work/all.txt"
done
echo
echo "medians (req/s, p50 ms, p99 ms) of $ROUNDS rounds:"
awk '{ key=$3; n[key]++; rps[key, n[key]]=$4; p50[key, n[key]]=$5; p99[key, n[key]]=$6 }
  END { for (k in n) { m = int((n[k] + 1) / 2);
    # the round with the median req/s
    for (i = 1; i <= n[k]; i++) { below = 0; for (j = 1; j <= n[k]; j++) if (rps[k, j] < rps[k, i]) below++;
      if (below == m - 1) { printf "%-16s %8d  %.3f  %.3f\n", k, rps[k, i], p50[k, i], p99[k, i]; break } } } }' "$work/all.txt" | sort
