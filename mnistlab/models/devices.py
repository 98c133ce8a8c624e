"""Where a training can run: every device is listed, with the reason when this server lacks it."""

from __future__ import annotations

import torch


class DeviceUnavailable(RuntimeError):
    pass


def status() -> dict[str, str | None]:
    """{device: None if usable, else the reason it is not}."""
    mps = getattr(torch.backends, "mps", None)
    return {
        "cpu": None,
        "cuda": None if torch.cuda.is_available() else "no CUDA GPU on this server",
        "mps": None if (mps is not None and mps.is_available()) else "no Apple GPU (MPS) on this server",
    }


def resolve_device(name: str) -> torch.device:
    reason = status().get(name, f"unknown device {name!r}")
    if reason:
        raise DeviceUnavailable(f"Cannot train on {name}: {reason}.")
    return torch.device(name)


def synchronize(device: torch.device) -> None:
    """Wait for queued GPU work, so that wall-clock times are real."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def device_name(device: torch.device) -> str:
    """What a page says a job ran on: the GPU's own name where there is one."""
    if device.type == "cuda":
        return f"cuda:{torch.cuda.current_device()} ({torch.cuda.get_device_name(device)})"
    return device.type
