#!/usr/bin/env bash
# The control center under load, release build, all on loopback:
#   1. `mlbot control set` round trip (process start → acknowledged) and the time from the
#      acknowledgement until /status shows the new settings version (the next bar), p50/p99,
#      against a replay paced at 600× (a bar every 100 ms);
#   2. a full-speed replay alone, then again while wrk (a second process) hammers GET /status and
#      GET /control/settings (with a read token): requests/s, p99, and the replay's drop.
# Usage: bench/control-load.sh [DAYS]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
days="${1:-60}"
command -v wrk >/dev/null || { echo "control-load: needs wrk (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product mlbot >/dev/null
mlbot="$PWD/.build/release/mlbot"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
base="$work/base.sqlite"
"$mlbot" data synth --db "$base" --days "$days" --seed 11 >/dev/null
for spec in "eth-ema ETHUSDT {rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}" \
            "sol-rsi SOLUSDT {rule: band, feature: rsi_14, lower: 35, upper: 65}"; do
  read -r name symbol signal <<<"$spec"
  printf 'name: %s\nsymbol: %s\ninterval: 1m\nfeature_set: default\nhorizon: 10\nsignal: %s\nexit: {kind: opposite}\n' "$name" "$symbol" "$signal" > "$work/$name.yaml"
  "$mlbot" strategies import --db "$base" --features-dir features "$work/$name.yaml" >/dev/null
done
serve_args=(serve --paper --features-dir features --strategies eth-ema,sol-rsi --feed replay --port 0)

start_serve() {   # db speed log → sets pid, api
  "$mlbot" "${serve_args[@]}" --db "$1" --speed "$2" >"$3.out" 2>"$3.err" &
  pid=$!
  api=""
  for _ in $(seq 1 600); do
    api="$(sed -n 's/.*API on \(http[^ ]*\).*/\1/p' "$3.err" | head -n 1)"
    [ -n "$api" ] && return 0
    sleep 0.05
  done
  echo "control-load: no API address in $3.err" >&2; exit 1
}

echo "== control set round trip and time to the next bar (replay at 600×: a bar every 100 ms)"
cp "$base" "$work/paced.sqlite"
start_serve "$work/paced.sqlite" 600 "$work/paced"
sleep 1
python3 - "$mlbot" "$api" "$work/paced.sqlite" <<'EOF'
import json, subprocess, sys, time, urllib.request
mlbot, api, db = sys.argv[1:4]
def version():
    with urllib.request.urlopen(api + "/status") as r:
        return json.load(r)["settings_version"]
trip, force = [], []
for k in range(60):
    value = "0.6" if k % 2 else "0.7"
    t0 = time.perf_counter()
    out = subprocess.run([mlbot, "control", "set", "confidence", value, "--url", api, "--db", db, "--json"], capture_output=True, text=True, check=True)
    t1 = time.perf_counter()
    target = json.loads(out.stdout)["version"]
    while version() < target:
        time.sleep(0.001)
    t2 = time.perf_counter()
    trip.append((t1 - t0) * 1000); force.append((t2 - t1) * 1000)
def q(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(p * len(xs)))]
print(f"  control set (process start → acknowledged): p50 {q(trip, .5):.1f} ms, p99 {q(trip, .99):.1f} ms over {len(trip)} changes")
print(f"  acknowledged → in force (/status shows the version): p50 {q(force, .5):.1f} ms, p99 {q(force, .99):.1f} ms (a bar is 100 ms here)")
EOF
kill -TERM "$pid"; wait "$pid" || true

replay() {   # db → "bar-times/s seconds" of a full-speed replay
  local t0 t1 bars
  cp "$base" "$1"
  t0=$(date +%s.%N)
  "$mlbot" "${serve_args[@]}" --db "$1" --speed max --json >"$1.json" 2>"$1.err"
  t1=$(date +%s.%N)
  bars=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bar_times"])' "$1.json")
  python3 -c "print(f'{$bars / ($t1 - $t0):.0f} {$t1 - $t0:.1f}')"
}
echo
echo "== full-speed replay alone, then under wrk load (2 connections, 1 thread, GET /status and GET /control/settings)"
read -r alone seconds <<<"$(replay "$work/alone.sqlite")"
echo "  replay alone: $alone bar-times/s ($seconds s wall clock, start-up included)"
duration=$(python3 -c "import math; print(math.ceil($seconds) + 1)")
cp "$base" "$work/loaded.sqlite"
t0=$(date +%s.%N)
"$mlbot" "${serve_args[@]}" --db "$work/loaded.sqlite" --speed max --json >"$work/loaded.json" 2>"$work/loaded.err" &
pid=$!
api=""
for _ in $(seq 1 600); do api="$(sed -n 's/.*API on \(http[^ ]*\).*/\1/p' "$work/loaded.err" | head -n 1)"; [ -n "$api" ] && break; sleep 0.02; done
read_token="$(sed -n 's/^read=//p' "$work/loaded.sqlite.tokens")"
cat > "$work/paths.lua" <<EOF
local paths = {"/status", "/control/settings"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % 2) + 1], {["Authorization"] = "Bearer $read_token"})
end
EOF
wrk -t1 -c2 -d"${duration}s" --latency -s "$work/paths.lua" "$api" > "$work/wrk.txt" || true
wait "$pid"
t1=$(date +%s.%N)
bars=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bar_times"])' "$work/loaded.json")
loaded=$(python3 -c "print(f'{$bars / ($t1 - $t0):.0f}')")
echo "  replay under load: $loaded bar-times/s; drop $(python3 -c "print(f'{(1 - $loaded / $alone) * 100:.1f}')") %"
echo "  wrk: $(grep 'Requests/sec' "$work/wrk.txt" | awk '{print $2}') requests/s; latency $(grep -E '^ +50%' "$work/wrk.txt" | awk '{print "p50 " $2}'), $(grep -E '^ +99%' "$work/wrk.txt" | awk '{print "p99 " $2}')"
echo "  (wrk ran for ${duration} s, the whole replay; after it ended wrk's connections fail: $(grep -E 'Socket errors|Non-2xx' "$work/wrk.txt" || echo 'no errors'))"

echo
echo "== the same replay under a paced load: 200 requests/s (a busy dashboard and scrapers), same two routes"
cp "$base" "$work/paced-load.sqlite"
t0=$(date +%s.%N)
"$mlbot" "${serve_args[@]}" --db "$work/paced-load.sqlite" --speed max --json >"$work/paced-load.json" 2>"$work/paced-load.err" &
pid=$!
api=""
for _ in $(seq 1 600); do api="$(sed -n 's/.*API on \(http[^ ]*\).*/\1/p' "$work/paced-load.err" | head -n 1)"; [ -n "$api" ] && break; sleep 0.02; done
read_token="$(sed -n 's/^read=//p' "$work/paced-load.sqlite.tokens")"
python3 - "$api" "$read_token" "$pid" <<'EOF2'
import os, sys, time, urllib.request
api, token, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
paths, lat, k = ["/status", "/control/settings"], [], 0
start = time.perf_counter()
while True:
    try: os.kill(pid, 0)
    except OSError: break
    due = start + k / 200
    now = time.perf_counter()
    if due > now: time.sleep(due - now)
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(api + paths[k % 2], headers={"Authorization": "Bearer " + token}), timeout=5) as r: r.read()
    except Exception:
        break
    lat.append((time.perf_counter() - t) * 1000); k += 1
lat.sort()
if lat: print(f"  paced client: {len(lat)} requests, p50 {lat[len(lat)//2]:.2f} ms, p99 {lat[min(len(lat)-1, int(.99*len(lat)))]:.2f} ms")
EOF2
wait "$pid"
t1=$(date +%s.%N)
bars=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bar_times"])' "$work/paced-load.json")
paced=$(python3 -c "print(f'{$bars / ($t1 - $t0):.0f}')")
echo "  replay under 200 requests/s: $paced bar-times/s; drop $(python3 -c "print(f'{(1 - $paced / $alone) * 100:.1f}')") %"
