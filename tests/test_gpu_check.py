"""benchmarks/gpu_check.sh where there is no GPU: every step still answers with one JSON line."""

import json
import os
import subprocess
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
STEPS = ["device", "train-fast", "bench-train-mlp", "bench-train-cnn", "bench-knn", "cuda-tests"]


def run_check(budget_s: int) -> list[dict]:
    env = os.environ | {"GPU_CHECK_BUDGET_S": str(budget_s), "PYTHON": str(ROOT / ".venv/bin/python")}
    out = subprocess.run(
        ["bash", "benchmarks/gpu_check.sh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=budget_s + 60,
        check=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.slow  # six processes that import torch: ~20 s on an idle 2-core machine
@pytest.mark.skipif(torch.cuda.is_available(), reason="with a GPU this is the real (minutes long) check")
def test_without_cuda_every_step_fails_soft():
    lines = run_check(150)
    assert [line["step"] for line in lines] == STEPS
    by_step = {line["step"]: line for line in lines}
    assert by_step["device"]["rc"] == 3
    for name in ("train-fast", "bench-train-mlp", "bench-train-cnn", "bench-knn"):
        assert by_step[name]["rc"] == 2 and "Cannot train on cuda" in by_step[name]["tail"], by_step[name]
    assert "skipped" in by_step["cuda-tests"]["result"]["summary"]  # CUDA tests skip, with their reason


def test_a_spent_budget_skips_every_step():
    lines = run_check(0)
    assert [line["step"] for line in lines] == STEPS
    assert all("budget" in line["error"] for line in lines)
