"""Processes under test: spawn, wait for a readiness line (an event, not a sleep), connect-retry with a
bound, read peak RSS from ``/proc``, and stop.

Every server is started on 127.0.0.1 only; every wait has a deadline; every process is stopped by the
block that started it (``terminate``, then ``kill`` after a bound).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"


class StartError(RuntimeError):
    """A process did not become ready: the message carries its last output lines."""


def free_port() -> int:
    """A port free on 127.0.0.1 right now (for peers that cannot be told "port 0")."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Proc:
    """A started process whose merged stdout/stderr is read line by line on a thread."""

    name: str
    popen: subprocess.Popen[bytes]
    started: float  # time.perf_counter() just before the spawn
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    tail: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def _pump(self) -> None:
        assert self.popen.stdout is not None
        for raw in self.popen.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.tail.append(line)
            del self.tail[:-40]
            self.lines.put(line)
        self.lines.put(None)

    def failure(self, what: str) -> StartError:
        code = self.popen.poll()
        state = f"exited with {code}" if code is not None else "still running"
        output = "\n".join(self.tail[-15:]) or "(no output)"
        return StartError(f"{self.name}: {what} ({state}); last output:\n{output}")

    def wait_line(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """Block until an output line matches ``pattern``; the match. Raises :class:`StartError` on exit
        or after ``timeout`` seconds."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self.failure(f"no line matching {pattern!r} within {timeout:g} s")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise self.failure(f"exited before printing a line matching {pattern!r}")
            found = regex.search(line)
            if found:
                return found

    def pause(self, seconds: float) -> None:
        """Between connect retries: wait for the process's next output line or ``seconds``, whichever
        comes first (an event wait, woken early by anything the process says)."""
        with contextlib.suppress(queue.Empty):
            line = self.lines.get(timeout=seconds)
            if line is None:
                self.lines.put(None)
                raise self.failure("exited while we waited for it to answer")

    def peak_rss_mib(self) -> float:
        """Peak resident set size (VmHWM) of the process, in MiB."""
        return _status_kib(self.pid, "VmHWM") / 1024

    def rss_mib(self) -> float:
        return _status_kib(self.pid, "VmRSS") / 1024

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process (all its threads) so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self, timeout: float = 10) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout)
        if self.popen.stdout is not None:
            self.popen.stdout.close()


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {key}")


@contextlib.contextmanager
def running(
    name: str, argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | Path | None = None
) -> Iterator[Proc]:
    """Start ``argv`` (stdin closed, stdout+stderr merged into one pipe); stop it when the block ends."""
    merged = {**os.environ, **(env or {})}
    started = time.perf_counter()
    popen = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=merged,
        cwd=cwd,
    )
    proc = Proc(name=name, popen=popen, started=started)
    threading.Thread(target=proc._pump, name=f"pump-{name}", daemon=True).start()
    try:
        yield proc
    finally:
        proc.stop()


def http_get(host: str, port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def answering(proc: Proc, port: int, path: str, timeout: float = 60) -> float:
    """Connect-retry (bounded by ``timeout``) until ``GET path`` answers 200; the perf_counter time then."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, _ = http_get(LOOPBACK, port, path)
            if status == 200:
                return time.perf_counter()
            raise proc.failure(f"GET {path} answered {status}")
        except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
            if time.monotonic() > deadline:
                raise proc.failure(f"GET {path} not answering within {timeout:g} s") from None
            proc.pause(0.002)


def smtp_banner(proc: Proc, port: int, timeout: float = 60) -> float:
    """Connect-retry until the SMTP server greets with 220; the perf_counter time then."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=10) as sock:
                greeting = sock.recv(512)
                if greeting.startswith(b"220"):
                    sock.sendall(b"QUIT\r\n")
                    return time.perf_counter()
                raise proc.failure(f"SMTP greeted with {greeting[:60]!r}")
        except (ConnectionRefusedError, ConnectionResetError):
            if time.monotonic() > deadline:
                raise proc.failure(f"SMTP port {port} not answering within {timeout:g} s") from None
            proc.pause(0.002)
