"""``python -m mnistlab``: the dashboard's computations from a shell.

Every ``--json`` command prints exactly one JSON object on stdout, last; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import cast

from mnistlab.data import datasets, problems
from mnistlab.data.sources import sha256_hex


def stderr_progress(message: str, fraction: float | None = None) -> None:
    suffix = f" ({fraction:.0%})" if fraction is not None else ""
    print(f"[mnistlab] {message}{suffix}", file=sys.stderr, flush=True)


def emit(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, sort_keys=True))
    else:
        width = max(map(len, result), default=0)
        for key, value in result.items():
            print(f"{key:<{width}}  {value}")


def run_job(args, kind: str, params: dict) -> tuple[object, dict]:
    """Run one job on the executor that ``--ray`` (or MNISTLAB_RAY_ADDRESS) names, or in this
    process; progress to stderr. Returns (result, {"executor", "device", "node"})."""
    import os

    from mnistlab import jobs

    address = args.ray or os.environ.get("MNISTLAB_RAY_ADDRESS") or None
    if not address:
        load(args)  # here: fetch (or fail with the list of sources tried) before the job starts
        if args.data:
            os.environ["MNISTLAB_DATA"] = args.data  # the work loads through the same loader
    # One job and no page to keep live: its work runs in this process (no worker's start to wait for).
    executor = jobs.make_executor(address, processes=False)
    try:
        job = executor.submit(jobs.KINDS[kind], params | {"dataset": args.dataset}, session="cli")
        seen = 0
        try:
            while not job.wait(0.2):
                seen = _print_events(job, seen)
        except KeyboardInterrupt:
            job.stop()
            job.wait()
        _print_events(job, seen)
        status = job.status()
        if status.state is jobs.State.FAILED:
            raise JobFailed(f"the {kind} job failed on {status.executor}: {status.reason}")
        return job.result(), {"executor": status.executor, "device": status.device, "node": status.node}
    finally:
        executor.shutdown()


class JobFailed(RuntimeError):
    pass


def _print_events(job, seen: int) -> int:
    for event in job.events(seen):
        if event.step != "batch":  # every few batches is for curves on a page, too many lines here
            stderr_progress(event.message, event.fraction)
        seen += 1
    return seen


def load(args) -> datasets.Dataset:
    return datasets.load_dataset(datasets.SPECS[args.dataset], data_path=args.data, progress=stderr_progress)


def cmd_fetch(args) -> int:
    ds = load(args)
    emit(
        {
            "dataset": ds.name,
            "source": ds.source,
            "seconds": round(ds.load_s, 3),
            "cache": str(datasets.cache_file(ds.spec)),
        },
        args.json,
    )
    return 0


def cmd_info(args) -> int:
    ds = load(args)
    split = problems.full_split(ds)
    binary = problems.binary_problem(split, problems.DEFAULT_PAIR)
    emit(
        {
            "dataset": ds.name,
            "n_samples": int(ds.X.shape[0]),
            "n_features": int(ds.X.shape[1]),
            "source": ds.source,
            "load_s": round(ds.load_s, 3),
            "sha256_X": sha256_hex(ds.X),
            "sha256_y": sha256_hex(ds.y),
            "train": len(split.y_train),
            "test": len(split.y_test),
            "binary_pair": list(problems.DEFAULT_PAIR),
            "binary_train": len(binary.y_train),
            "binary_test": len(binary.y_test),
            "cache": str(datasets.cache_file(ds.spec)),
        },
        args.json,
    )
    return 0


def cmd_reproduce(args) -> int:
    from mnistlab.course import reproduction

    parts = list(reproduction.PARTS) if args.part == "all" else [args.part]
    result, placement = run_job(args, "reproduce", {"parts": parts})
    out = cast(dict, result)  # the reproduce job's result: its numbers by name
    reproduction.save(out)  # the results page shows it
    emit(out | placement, args.json)
    return 0


def cmd_bench(args) -> int:
    from mnistlab.tools import bench

    if args.what == "train":
        result, placement = run_job(
            args, "bench_train", {"repeats": args.repeats, "device": args.device, "model": args.model}
        )
        emit(cast(dict, result) | placement, args.json)  # the bench_train job's result: its timings
        return 0
    out = bench.BENCHES[args.what](
        load(args),
        repeats=args.repeats,
        progress=stderr_progress,
        device=args.device,
        first_pass=args.first_pass,
    )
    emit(out, args.json)
    return 0


def cmd_train(args) -> int:
    from mnistlab.models import nets, training

    if args.preset:  # a preset names its network and its settings
        args.model = args.preset
    preset = nets.PRESETS[args.model] | {
        k: v
        for k, v in (
            ("epochs", args.epochs),
            ("lr", args.lr),
            ("batch_size", args.batch_size),
            ("optimizer", args.optimizer),
            ("precision", args.precision),
            ("label_smoothing", args.label_smoothing),
        )
        if v is not None
    }
    config = training.TrainConfig(model=args.model, device=args.device, seed=args.seed, **preset)
    job_result, placement = run_job(args, "train", {"config": config})
    result = cast(training.TrainResult, job_result)  # what the train job returns
    final = result.final
    if final is None:  # no history
        print("error: stopped before the first epoch ended", file=sys.stderr)
        return 1
    out = placement | {
        "config": dataclasses.asdict(config),
        "epochs": [vars(m) for m in result.history],
        "final.test_error_pct": final.val_error_pct,
        "final.test_loss": final.val_loss,
        "early_stopped": result.early_stopped,
    }
    emit(out, args.json)
    return 0


def _floats(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not values or any(not 0 <= v <= 1 for v in values):
        raise argparse.ArgumentTypeError("epsilons are pixel units: numbers between 0 and 1")
    return values


def cmd_attack(args) -> int:
    from mnistlab.models import attacks

    ds = load(args)
    out = attacks.robustness(
        args.model,
        args.dataset,
        problems.full_split(ds),
        args.eps,
        args.attack,
        adversarial_eps=args.adv_eps if args.adv_train else 0.0,
        epochs=args.epochs,
        n_test=args.n_test,
        progress=stderr_progress,
    )
    emit(out | {"device": "cpu"}, args.json)
    return 0


def cmd_calibration(args) -> int:
    from mnistlab.models import calibration

    out = calibration.calibration_run(
        args.model,
        problems.full_split(load(args)),
        epochs=args.epochs,
        label_smoothing=args.label_smoothing,
        progress=stderr_progress,
    )
    emit(out | {"device": "cpu"}, args.json)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mnistlab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, func, help_text):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--dataset", choices=sorted(datasets.SPECS), default="mnist")
        p.add_argument("--data", help="an .npz (arrays X, y) or a folder with the four IDX files")
        p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        p.set_defaults(func=func)
        return p

    from mnistlab.models import nets

    command("fetch", cmd_fetch, "download (or find) the data and cache it")
    command("info", cmd_info, "sizes, digests and the notebook's splits")
    from mnistlab.course.reproduction import PARTS

    command("reproduce", cmd_reproduce, "recompute the notebook's results with its grids").add_argument(
        "--part", choices=["all", *PARTS], default="all"
    )
    bench = command("bench", cmd_bench, "side-by-side benchmarks (ours vs the reference), as ratios")
    bench.add_argument("what", choices=["knn", "train"])
    bench.add_argument("--repeats", type=int, default=3, help="repeats (for train: epochs)")
    bench.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    bench.add_argument(
        "--first-pass",
        choices=["auto", "bfloat16", "float32"],
        default="auto",
        help="knn: the first pass's precision (auto: bfloat16 where the hardware has it)",
    )
    bench.add_argument("--model", default="mlp", choices=list(nets.MODELS), help="train: the network")
    train = command("train", cmd_train, "train a network (per-epoch metrics on stderr)")
    train.add_argument("--model", choices=list(nets.MODELS), default="mlp")
    train.add_argument(
        "--preset",
        choices=list(nets.PRESETS),
        help="a network with the settings that suit it (fast: one epoch to about 99.3 %%)",
    )
    train.add_argument("--epochs", type=int)
    train.add_argument("--lr", type=float)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--optimizer", choices=["gd", "sgd", "momentum", "adam", "adamw", "rmsprop"])
    train.add_argument("--device", default="cpu")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument(
        "--label-smoothing", type=float, help="of the training loss (default: the preset's, else 0)"
    )
    train.add_argument(
        "--precision",
        choices=["fp32", "bf16"],
        help="bf16: mixed precision (default: the preset's, else fp32)",
    )
    attack = command("attack", cmd_attack, "test accuracy under an adversarial attack, epsilon by epsilon")
    from mnistlab.models.attacks import ATTACK_MODELS, ATTACKS, EPSILONS

    attack.add_argument("--model", choices=list(ATTACK_MODELS), default="mlp")
    attack.add_argument(
        "--eps", type=_floats, default=list(EPSILONS), help="comma-separated, pixel units of [0, 1]"
    )
    attack.add_argument("--attack", choices=list(ATTACKS), default="fgsm", help="pgd: 10 steps of BIM/PGD")
    attack.add_argument(
        "--adv-train", action="store_true", help="train first with FGSM copies in every batch"
    )
    attack.add_argument("--adv-eps", type=float, default=0.25, help="the adversarial training's epsilon")
    attack.add_argument("--epochs", type=int, help="training epochs (default: the model's preset)")
    attack.add_argument("--n-test", type=int, help="attack only the first N test images (default: all)")
    calib = command(
        "calibration", cmd_calibration, "ECE and NLL on the test split before and after temperature scaling"
    )
    calib.add_argument("--model", choices=list(ATTACK_MODELS), default="mlp")
    calib.add_argument("--epochs", type=int, help="training epochs (default: the model's preset)")
    calib.add_argument("--label-smoothing", type=float, default=0.0, help="of the training loss")
    ray_help = (
        "run on Ray: ray://host:10001, or local (a private instance); default: MNISTLAB_RAY_ADDRESS or here"
    )
    for p in (train, bench, sub.choices["reproduce"]):
        p.add_argument("--ray", metavar="ADDRESS", help=ray_help)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (datasets.DataUnavailable, JobFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # a device that is not there, said plainly
        if type(exc).__name__ != "DeviceUnavailable":
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
