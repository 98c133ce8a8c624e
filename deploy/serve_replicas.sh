#!/usr/bin/env bash
# Serve a class from several app processes behind HAProxy.
#
#   deploy/serve_replicas.sh N        (or: make serve REPLICAS=N)
#
# Starts N `streamlit run app.py` on consecutive loopback ports (APP_PORT, APP_PORT+1, ...; default
# PORT+100) and HAProxy on HOST:PORT (default 0.0.0.0:8501) in front of them, sticky by cookie, with
# health checks on /_stcore/health. Ctrl-C (or SIGTERM) stops all of them. Each replica gets its name
# in MNISTLAB_REPLICA (r1, r2, ...), the name the proxy's cookie and X-Mnistlab-Replica header carry.
# A replica that dies (a crash, SIGTERM, SIGKILL, out of memory) is started again on its port about a
# second later; HAProxy takes it back once its health checks pass. Each replica's output is appended to
# LOG_DIR/rN.log (default /tmp/mnistlab-replica-logs), kept after the script ends.
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
log_dir=${LOG_DIR:-${TMPDIR:-/tmp}/mnistlab-replica-logs}
mkdir -p "$log_dir"
pids=()
stop_all() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$run_dir"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# One replica, started again whenever it ends, until this supervisor is told to stop (SIGTERM).
supervise() {
    local name=$1 p=$2 child="" code
    trap '[[ -n "$child" ]] && kill "$child" 2>/dev/null; wait 2>/dev/null; exit 0' TERM INT
    while true; do
        MNISTLAB_REPLICA="$name" "$venv/bin/streamlit" run app.py --server.address 127.0.0.1 \
            --server.port "$p" >> "$log_dir/$name.log" 2>&1 &
        child=$!
        echo "replica $name: pid $child, http://127.0.0.1:$p (log: $log_dir/$name.log)"
        touch "$run_dir/$name.started"
        code=0
        wait "$child" || code=$?
        echo "$(date -u +%FT%TZ) replica $name (pid $child) ended with status $code; starting it again" \
            | tee -a "$log_dir/$name.log"
        sleep 1
    done
}

config="$run_dir/haproxy.cfg"
cp deploy/haproxy.cfg "$config"
for i in $(seq 1 "$replicas"); do
    p=$((app_port + i - 1))
    echo "    server r$i 127.0.0.1:$p cookie r$i" >> "$config"
    supervise "r$i" "$p" &
    pids+=($!)
    while [[ ! -e "$run_dir/r$i.started" ]]; do sleep 0.05; done  # its pid is printed before the proxy's
done

export MNISTLAB_PROXY_BIND="$host:$port"
"$haproxy_bin" -c -q -f "$config"
"$haproxy_bin" -W -db -f "$config" &
proxy_pid=$!
pids+=("$proxy_pid")
echo "haproxy: pid $proxy_pid, students open http://$host:$port"
# A replica that dies is taken out of the rotation by the health checks and its students move to the
# others; its supervisor starts it again. This script keeps serving until the proxy stops.
wait "$proxy_pid"
