"""``python -m mnistlab``: the dashboard's computations from a shell.

Every ``--json`` command prints exactly one JSON object on stdout, last; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys

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


def load(args) -> datasets.Dataset:
    return datasets.load_dataset(datasets.SPECS[args.dataset], data_path=args.data, progress=stderr_progress)


def cmd_fetch(args) -> int:
    ds = load(args)
    emit({"dataset": ds.name, "source": ds.source, "seconds": round(ds.load_s, 3),
          "cache": str(datasets.cache_file(ds.spec))}, args.json)
    return 0


def cmd_info(args) -> int:
    ds = load(args)
    split = problems.full_split(ds)
    binary = problems.binary_problem(split, problems.DEFAULT_PAIR)
    emit({
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
    }, args.json)
    return 0


def cmd_reproduce(args) -> int:
    from mnistlab.tools import reproduce

    parts = list(reproduce.PARTS) if args.part == "all" else [args.part]
    out = reproduce.reproduce(load(args), parts, stderr_progress)
    reproduce.save(out, datasets.cache_dir() / "reproduce.json")  # the results page shows it
    emit(out, args.json)
    return 0


def cmd_bench(args) -> int:
    from mnistlab.tools import bench

    extra = {"device": args.device}
    extra |= {"model_name": args.model} if args.what == "train" else {"first_pass": args.first_pass}
    out = bench.BENCHES[args.what](load(args), repeats=args.repeats, progress=stderr_progress, **extra)
    emit(out, args.json)
    return 0


def cmd_train(args) -> int:

    from mnistlab.models import devices, nets, training

    ds = load(args)
    if args.preset:  # a preset names its network and its settings
        args.model = args.preset
    preset = nets.PRESETS[args.model] | {k: v for k, v in (("epochs", args.epochs), ("lr", args.lr),
                                                            ("batch_size", args.batch_size),
                                                            ("optimizer", args.optimizer),
                                                            ("precision", args.precision)) if v is not None}
    config = training.TrainConfig(model=args.model, device=args.device, seed=args.seed, **preset)
    split = problems.ten_classes(problems.full_split(ds))
    tensors = problems.to_tensors(split,
                                  devices.resolve_device(args.device))

    def report(m, result):
        stderr_progress(f"epoch {m.epoch}: train loss {m.train_loss:.4f}, "
                        f"test error {m.val_error_pct:.2f} %, "
                        f"{m.epoch_s:.1f} s", m.epoch / config.epochs)

    result = training.train(config, tensors, on_epoch=report)
    out = {"config": training.config_dict(config),
           "epochs": [vars(m) for m in result.history],
           "final.test_error_pct": result.final.val_error_pct, "final.test_loss": result.final.val_loss,
           "early_stopped": result.early_stopped}
    emit(out, args.json)
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
    from mnistlab.tools.reproduce import PARTS

    command("reproduce", cmd_reproduce, "recompute the notebook's results with its grids").add_argument(
        "--part", choices=["all", *PARTS], default="all")
    bench = command("bench", cmd_bench, "side-by-side benchmarks (ours vs the reference), as ratios")
    bench.add_argument("what", choices=["knn", "train"])
    bench.add_argument("--repeats", type=int, default=3, help="repeats (for train: epochs)")
    bench.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    bench.add_argument("--first-pass", choices=["auto", "bfloat16", "float32"], default="auto",
                       help="knn: the first pass's precision (auto: bfloat16 where the hardware has it)")
    bench.add_argument("--model", default="mlp", choices=list(nets.MODELS), help="train: the network")
    train = command("train", cmd_train, "train a network (per-epoch metrics on stderr)")
    train.add_argument("--model", choices=list(nets.MODELS), default="mlp")
    train.add_argument("--preset", choices=list(nets.PRESETS),
                       help="a network with the settings that suit it (fast: one epoch to 99 %%)")
    train.add_argument("--epochs", type=int)
    train.add_argument("--lr", type=float)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--optimizer", choices=["gd", "sgd", "momentum", "adam", "adamw", "rmsprop"])
    train.add_argument("--device", default="cpu")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--precision", choices=["fp32", "bf16"],
                       help="bf16: mixed precision (default: the preset's, else fp32)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except datasets.DataUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # a device that is not there, said plainly
        if type(exc).__name__ != "DeviceUnavailable":
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
