"""A private, throw-away PostgreSQL cluster (Debian's binaries) for the tests and the load benchmark.

``initdb`` into a temporary folder, ``pg_ctl start`` on a free loopback port with its socket in the same
folder, and ``stop()`` removes it all. PostgreSQL refuses to run as root, so as root the commands run as
the ``postgres`` user, which then owns the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server binaries here; the message says what to install."""


def server_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl."""

    def version(initdb: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(initdb).parts[-3]))

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    for initdb in reversed(found):
        folder = Path(initdb).parent
        if (folder / "pg_ctl").exists():
            return folder
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path and shutil.which("pg_ctl") else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateCluster:
    """``with PrivateCluster() as cluster: cluster.url`` -- a SQLAlchemy URL (psycopg 3) to an empty database.

    ``durable=False`` turns fsync off: fine for tests, wrong for a benchmark that measures commit latency.
    """

    def __init__(self, durable: bool = True):
        found = server_bin()
        if found is None:
            raise ClusterUnavailable(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's postgresql package."
            )
        self.bin: Path = found
        self.durable = durable
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="mnistlab-pg-"))
        self.data = self.folder / "data"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://mnistlab@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run([*self._as_user, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            why = (done.stderr or done.stdout).strip()[-500:]
            raise ClusterUnavailable(f"{Path(args[0]).name} failed: {why}")

    def init(self) -> PrivateCluster:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "mnistlab",
            "-A",
            "trust",
            "--no-sync",
            "--encoding=UTF8",
            "--locale=C",
        )
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200" + (
            "" if self.durable else " -c fsync=off -c synchronous_commit=off"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PrivateCluster:
        self.init()
        try:
            self.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
