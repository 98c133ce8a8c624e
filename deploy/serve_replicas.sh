#!/usr/bin/env bash
# Serve a class from several app processes behind HAProxy.
#
#   deploy/serve_replicas.sh N        (or: make serve REPLICAS=N)
#
# Starts N `streamlit run app.py` on consecutive loopback ports (APP_PORT, APP_PORT+1, ...; default
# PORT+100) and HAProxy on HOST:PORT (default 0.0.0.0:8501) in front of them, sticky by cookie, with
# health checks on /_stcore/health. Ctrl-C (or SIGTERM) stops all of them. Each replica gets its name
# in MNISTLAB_REPLICA (r1, r2, ...), the name the proxy's cookie and X-Mnistlab-Replica header carry.
set -euo pipefail
cd "$(dirname "$0")/.."

replicas=${1:-${REPLICAS:-2}}
port=${PORT:-8501}
host=${HOST:-0.0.0.0}
app_port=${APP_PORT:-$((port + 100))}
venv=${VENV:-.venv}
haproxy_bin=${HAPROXY:-haproxy}

if ! [[ "$replicas" =~ ^[1-9][0-9]*$ ]]; then
    echo "serve_replicas: the number of replicas must be a positive integer, not '$replicas'" >&2
    exit 2
fi
if ! command -v "$haproxy_bin" >/dev/null; then
    echo "serve_replicas: haproxy is not installed (Debian: apt-get install haproxy)" >&2
    exit 2
fi

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/mnistlab-replicas.XXXXXX")
pids=()
stop_all() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$run_dir"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

config="$run_dir/haproxy.cfg"
cp deploy/haproxy.cfg "$config"
for i in $(seq 1 "$replicas"); do
    p=$((app_port + i - 1))
    echo "    server r$i 127.0.0.1:$p cookie r$i" >> "$config"
    MNISTLAB_REPLICA="r$i" "$venv/bin/streamlit" run app.py --server.address 127.0.0.1 --server.port "$p" \
        > "$run_dir/r$i.log" 2>&1 &
    pids+=($!)
    echo "replica r$i: pid $!, http://127.0.0.1:$p (log: $run_dir/r$i.log)"
done

export MNISTLAB_PROXY_BIND="$host:$port"
"$haproxy_bin" -c -q -f "$config"
"$haproxy_bin" -W -db -f "$config" &
proxy_pid=$!
pids+=("$proxy_pid")
echo "haproxy: pid $proxy_pid, students open http://$host:$port"
# A replica that dies is taken out of the rotation by the health checks and its students move to the
# others; this script keeps serving until the proxy stops (restarting replicas: see deploy/README.md).
wait "$proxy_pid"
