"""The notebook's own training loop (exercise 5.3: DataLoader batches, one-hot labels), timed beside
mnistlab's loop on the same network and epochs: ``python -m mnistlab bench train`` and the
``bench_train`` job."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from mnistlab.data import datasets, problems
from mnistlab.data.sources import Progress, quiet


def timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def notebook_epoch(model, loader, X_tr, y_tr_onehot, X_val, y_val_onehot, opt) -> None:
    """One epoch exactly as the notebook's exercise 5.3 loop: DataLoader batches, one-hot labels, argmax per
    batch, then the loss and error over the whole training and validation sets."""
    import torch
    from torch import nn

    loss_func = nn.CrossEntropyLoss()
    for xb, yb in loader:
        pred = model(xb)
        loss = loss_func(pred, yb.argmax(axis=-1))
        loss.backward()
        opt.step()
        opt.zero_grad()
    with torch.no_grad():
        pred = model(X_tr)
        loss_func(pred, y_tr_onehot.argmax(axis=-1)).item()
        (1 - (y_tr_onehot.argmax(axis=-1) == pred.argmax(axis=-1)).float().mean()).item()
        pred_val = model(X_val)
        loss_func(pred_val, y_val_onehot.argmax(axis=-1)).item()
        (1 - (y_val_onehot.argmax(axis=-1) == pred_val.argmax(axis=-1)).float().mean()).item()


def bench_train(
    ds: datasets.Dataset,
    repeats: int = 3,
    device: str = "cpu",
    model_name: str = "mlp",
    progress: Progress = quiet,
) -> dict:
    """The same network and epochs, trained by mnistlab's loop (float32, and bf16 mixed precision) and by
    the notebook's DataLoader loop (float32)."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from mnistlab.models import devices, nets, training

    dev = devices.resolve_device(device)
    split = problems.ten_classes(problems.full_split(ds))
    tensors = problems.to_tensors(split, dev)
    preset = nets.PRESETS[model_name] | {"epochs": repeats}
    config = training.TrainConfig(model=model_name, device=device, **preset)
    progress(f"mnistlab loop: {repeats} epochs of {model_name} on {device}", None)
    ours = training.train(config, tensors)
    ours_epochs = [m.epoch_s for m in ours.history]
    progress("mnistlab loop with bf16 mixed precision", None)
    ours_bf16 = training.train(replace(config, precision="bf16"), tensors)
    bf16_epochs = [m.epoch_s for m in ours_bf16.history]

    onehot_tr = torch.nn.functional.one_hot(tensors.y_train, 10)
    onehot_val = torch.nn.functional.one_hot(tensors.y_val, 10)
    loader = DataLoader(TensorDataset(tensors.X_train, onehot_tr), batch_size=config.batch_size)
    torch.manual_seed(config.seed)
    model = nets.build(model_name).to(dev)
    opt = training.make_optimizer(config, model.parameters())
    ref_epochs = []
    for epoch in range(repeats):
        progress(f"notebook loop: epoch {epoch + 1}/{repeats}", epoch / repeats)
        devices.synchronize(dev)
        t, _ = timed(
            lambda: notebook_epoch(model, loader, tensors.X_train, onehot_tr, tensors.X_val, onehot_val, opt)
        )
        devices.synchronize(dev)
        ref_epochs.append(t)
    ours_s, ref_s, bf16_s = (statistics.median(x) for x in (ours_epochs, ref_epochs, bf16_epochs))
    ours_final, bf16_final = ours.final, ours_bf16.final
    assert ours_final is not None and bf16_final is not None  # nothing stops them: every epoch ran
    return {
        "model": model_name,
        "device": str(dev),
        "epochs": repeats,
        "batch_size": config.batch_size,
        "ours_epoch_s": [round(t, 3) for t in ours_epochs],
        "notebook_epoch_s": [round(t, 3) for t in ref_epochs],
        "ours_bf16_epoch_s": [round(t, 3) for t in bf16_epochs],
        "ours_s": round(ours_s, 3),
        "notebook_s": round(ref_s, 3),
        "ours_bf16_s": round(bf16_s, 3),
        "ratio": round(ref_s / ours_s, 2),
        "ratio_bf16": round(ref_s / bf16_s, 2),
        "ours_final_test_error_pct": ours_final.val_error_pct,
        "ours_bf16_final_test_error_pct": bf16_final.val_error_pct,
    }
