#!/usr/bin/env bash
# Every CUDA benchmark and the CUDA-marked tests in one run: one JSON line per step on stdout
# (progress on stderr). A failing step prints {"step": ..., "error": ...} and the run goes on;
# the whole run stops within GPU_CHECK_BUDGET_S seconds (default 290). Usage:
#   benchmarks/gpu_check.sh > gpu_check.jsonl
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
DEADLINE=$(( $(date +%s) + ${GPU_CHECK_BUDGET_S:-290} ))

json_error() {  # step, rc, output tail -> one JSON line (the tail escaped by Python's json)
    "$PY" -c 'import json, sys; print(json.dumps({"step": sys.argv[1], "rc": int(sys.argv[2]),
        "error": "timed out" if sys.argv[2] == "124" else "failed", "tail": sys.argv[3][-600:]}))' "$@"
}

step() {  # step name, command...: prints the command's last stdout line (its JSON) or an error line
    local name=$1 left out rc last
    shift
    left=$(( DEADLINE - $(date +%s) ))
    if (( left < 10 )); then
        printf '{"step": "%s", "error": "skipped: the time budget is spent"}\n' "$name"
        return
    fi
    out=$(timeout "$left" "$@" 2>/tmp/gpu_check.$$.err)
    rc=$?
    last=$(printf '%s\n' "$out" | tail -n 1)
    sed "s/^/[$name] /" /tmp/gpu_check.$$.err >&2
    if (( rc == 0 )) && [[ $last == \{* ]]; then
        printf '{"step": "%s", "result": %s}\n' "$name" "$last"
    else
        json_error "$name" "$rc" "$(tail -c 600 /tmp/gpu_check.$$.err)${out: -300}"
    fi
}

step device "$PY" -c 'import json, torch; ok = torch.cuda.is_available()
print(json.dumps({"cuda": ok, "name": torch.cuda.get_device_name() if ok else None, "torch": torch.__version__}))
raise SystemExit(0 if ok else 3)'
step train-fast "$PY" -m mnistlab train --preset fast --device cuda --json
step bench-train-mlp "$PY" -m mnistlab bench train --model mlp --device cuda --json
step bench-train-cnn "$PY" -m mnistlab bench train --model cnn --device cuda --json
step bench-knn "$PY" -m mnistlab bench knn --device cuda --json
# Only the files that hold CUDA tests: collecting every page test would spend the budget.
CUDA_TESTS=$(grep -rl --include='test_*.py' 'mark.cuda' tests | tr '\n' ' ')
step cuda-tests bash -c "\"$PY\" -m pytest -m cuda -q -p no:cacheprovider $CUDA_TESTS \
    | tail -n 1 | \"$PY\" -c 'import json, sys; print(json.dumps({\"summary\": sys.stdin.read().strip()}))'; \
    exit \${PIPESTATUS[0]}"
rm -f /tmp/gpu_check.$$.err
