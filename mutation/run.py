"""Mutation testing of the core with mutmut: which one-line bugs would the tests notice?

    python -m mutation.run                                  # every module of MODULES (hours on 2 cores)
    python -m mutation.run mnistlab/models/metrics.py ...   # some of them

Each module is mutated in its own copy of the project under .mutation/ and tested with only the test files
that import it (or those named in mutation/tests.txt), so a run can be stopped and started again: mutmut
keeps every mutant's result there and checks only those not yet checked (and those of changed functions).
At the end: per module, killed / not killed / equivalent and the score, then every surviving mutant's diff.
Mutants that cannot change behaviour are listed once, with the reason, in mutation/equivalent.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
HERE = Path(__file__).resolve().parent
PACKAGES = ("mnistlab/data", "mnistlab/models", "mnistlab/jobs", "mnistlab/store", "mnistlab/views")
SINGLE_FILES = ("mnistlab/ui/url_state.py",)
# Copied beside the package: the AppTest tests open app.py and the pages; some tests use benchmarks/.
ALSO_COPY = ("app.py", "pages", "assets", "benchmarks", "tests", "pyproject.toml", ".streamlit")
KILLED = {1, 3, 36, 24, -24, 152, 255, -11, -9, 37}  # a failure, a timeout or a crash all notice the bug
SURVIVED = {0}
NOT_RUN = {None, 5, 33, 34, 2}  # not checked yet, no test reaches it, skipped, interrupted


def modules() -> list[str]:
    found = [str(p.relative_to(ROOT)) for pkg in PACKAGES for p in sorted((ROOT / pkg).glob("*.py"))]
    return [m for m in found if not m.endswith("__init__.py")] + list(SINGLE_FILES)


def dotted(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def read_table(path: Path) -> dict[str, list[str]]:
    """Lines 'key  value value ...  # comment'; blank lines and comments ignored."""
    table: dict[str, list[str]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            words = line.split("#", 1)[0].split()
            if words:
                table[words[0]] = words[1:]
    return table


def equivalents() -> dict[str, str]:
    """mutation/equivalent.txt: 'mutant-name  # why it cannot change behaviour'."""
    found = {}
    for line in (HERE / "equivalent.txt").read_text().splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            found[name.strip()] = reason.strip() or "(no reason given)"
    return found


def tests_for(module: str) -> list[str]:
    """The test files named for it in mutation/tests.txt, else the unit and AppTest files importing it."""
    named = [t for t in read_table(HERE / "tests.txt").get(module, []) if (ROOT / t.split("::")[0]).exists()]
    if named:
        return named
    name = dotted(module)
    package, _, leaf = name.rpartition(".")
    patterns = [rf"\b{re.escape(name)}\b", rf"from {re.escape(package)} import [^\n]*\b{leaf}\b"]
    return [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "tests").glob("test_*.py"))
        if any(re.search(pat, p.read_text()) for pat in patterns)
    ]


def sync(module: str, tests: list[str]) -> Path:
    """The module's copy of the project, refreshed from the working tree (mutmut's results kept)."""
    work = WORK / dotted(module)
    work.mkdir(parents=True, exist_ok=True)
    for part in ("mnistlab", *ALSO_COPY):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(
                source, work / part, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        elif source.exists():
            shutil.copy2(source, work / part)
    options = ["-p no:randomly", "-p no:cacheprovider", "-q", "-x", "--timeout=300"]
    (work / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = mnistlab\n"
        f"only_mutate = {module}\n"
        "process_isolation = forkserver\n"  # torch's threads are not fork-safe after a test ran
        # A worker's CPU limit: pytest's own start (the conftest's data cache) costs seconds before a test.
        "timeout_constant = 60\n"
        + "pytest_add_cli_args =\n"
        + "".join(f"    {o}\n" for o in options)
        + "pytest_add_cli_args_test_selection =\n"
        + "".join(f"    {t}\n" for t in tests)
    )
    return work


@dataclass
class Outcome:
    module: str
    tests: list[str]
    killed: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)

    @property
    def score(self) -> float | None:
        judged = len(self.killed) + len(self.survived)
        return 100 * len(self.killed) / judged if judged else None


def results(module: str, work: Path, tests: list[str], known: dict[str, str]) -> Outcome:
    outcome = Outcome(module, tests)
    meta = work / "mutants" / (module + ".meta")
    codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
    for name, code in sorted(codes.items()):
        if name in known:
            outcome.equivalent.append(name)
        elif code in KILLED:
            outcome.killed.append(name)
        elif code in SURVIVED:
            outcome.survived.append(name)
        else:
            outcome.not_run.append(name)
    return outcome


def diff(work: Path, name: str) -> str:
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name], cwd=work, capture_output=True, text=True
    )
    lines = [line for line in shown.stdout.splitlines() if line.startswith(("+", "-", "@@"))]
    return "\n".join("      " + line for line in lines if not line.startswith(("+++", "---")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help="paths such as mnistlab/models/metrics.py (default: all)")
    parser.add_argument("--report-only", action="store_true", help="print the table of what has run so far")
    parser.add_argument("--max-children", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    args = parser.parse_args(argv)
    chosen = args.modules or modules()
    known = equivalents()
    env = dict(os.environ, MNISTLAB_TEST_REUSE_MODELS=os.environ.get("MNISTLAB_TEST_REUSE_MODELS", "1"))
    outcomes = []
    for module in chosen:
        tests = tests_for(module)
        if not tests:
            print(f"{module}: no unit or AppTest file imports it; name some in mutation/tests.txt")
            continue
        work = sync(module, tests)
        if not args.report_only:
            print(f"== {module}: mutants checked with {' '.join(tests)}", flush=True)
            subprocess.run(
                [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children)],
                cwd=work,
                env=env,
                check=False,
            )
        outcomes.append(results(module, work, tests, known))
    print(f"\n{'module':44} {'killed':>6} {'alive':>6} {'equiv':>6} {'unrun':>6} {'score':>7}")
    for o in outcomes:
        score = "-" if o.score is None else f"{o.score:.1f}%"
        print(
            f"{o.module:44} {len(o.killed):6} {len(o.survived):6} {len(o.equivalent):6} "
            f"{len(o.not_run):6} {score:>7}"
        )
    killed = sum(len(o.killed) for o in outcomes)
    judged = killed + sum(len(o.survived) for o in outcomes)
    if judged:
        print(f"{'all':44} {killed:6} {judged - killed:6} {'':6} {'':6} {100 * killed / judged:6.1f}%")
    for o in outcomes:
        for name in o.survived:
            print(f"\nsurvived: {name}\n{diff(WORK / dotted(o.module), name)}")
    stale = set(known) - {n for o in outcomes for n in o.equivalent}
    mutated = {dotted(o.module) for o in outcomes}
    for name in sorted(n for n in stale if any(n.startswith(m + ".") for m in mutated)):
        print(f"\nmutation/equivalent.txt names {name}, which this run did not make: remove or rename it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
