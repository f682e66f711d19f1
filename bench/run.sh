#!/usr/bin/env bash
# Runs every benchmark against every target on this machine, one server at a time, and writes the results to
# docs/benchmarks/. Takes about 40 minutes; extra arguments go to the fan-out benchmark (e.g. --rows 10x1,100x10).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B package -DskipTests
(cd bench/peers && npm ci --no-audit --no-fund --loglevel=error)
CP="bench/target/eddy-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
run() { java -Xmx2g -cp "$CP" "$@"; }
run io.eddy.bench.FanOutBenchmark --targets eddy,eddy-multi,eddy-multi-parallelgc,deepstream,socketio,bare \
    --out docs/benchmarks "$@"
run io.eddy.bench.IdleMemory --targets eddy,deepstream --connections 10000 --rest-seconds 60 --out docs/benchmarks/memory.md
run io.eddy.bench.RpcLatency --targets eddy,deepstream --rate 1000 --seconds 20 --out docs/benchmarks/rpc.md
run io.eddy.bench.RecordThroughput --targets eddy,deepstream --subscribers 1000 --writes 10000 --distinct 10000 \
    --out docs/benchmarks/records.md
