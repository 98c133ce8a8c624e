"""Which of the draw page's inputs (the canvas, an uploaded image) the student gave last."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LatestInput:
    """Remembers each input's fingerprint; the one that changed most recently is the one to use.

    A fingerprint is anything comparable (a hash of the ink, an upload's id); None means the input
    is empty (a blank canvas, no file). Clearing the latest input falls back to the other one.
    """

    seen: dict[str, object] = field(default_factory=dict)
    latest: str | None = None

    def update(self, **fingerprints) -> str | None:
        for name, fingerprint in fingerprints.items():
            if fingerprint is not None and fingerprint != self.seen.get(name):
                self.latest = name
            self.seen[name] = fingerprint
        if self.latest is None or self.seen.get(self.latest) is None:
            self.latest = next((name for name, f in fingerprints.items() if f is not None), None)
        return self.latest
