"""``python -m bench._profile_target startup|mailgun OUT``: a harness process under pyinstrument.

- ``startup``: import and start both fakes (``start_harness``) until they answer, then stop; the profile
  of that start goes to OUT.
- ``mailgun``: serve fake_mailgun (HTTP + SMTP) on free ports in the main thread, profiled, until
  SIGTERM; the profile of everything it did goes to OUT. The bench drives the load.

pyinstrument comes from ``.bench-cache/pyinstrument`` (on PYTHONPATH), never from the project.
"""

from __future__ import annotations

import asyncio
import importlib
import signal
import sys
from pathlib import Path
from typing import Any


def _profiler() -> Any:
    module = importlib.import_module("pyinstrument")
    return module.Profiler(interval=0.001, async_mode="disabled")


def _write(profiler: Any, out: Path) -> None:
    tree = profiler.output_text(unicode=True, color=False, show_all=False)
    flat = profiler.output_text(unicode=True, color=False, flat=True)
    out.write_text(tree + "\n=== flat (self time) ===\n" + flat)


def startup(out: Path) -> None:
    profiler = _profiler()
    profiler.start()
    from harness import load_harness_config, start_harness

    with start_harness(load_harness_config(None), free_ports=True) as harness:
        harness.client.logto.users.list()
        profiler.stop()  # before the shutdown: only the start is profiled
    _write(profiler, out)


def mailgun(out: Path) -> None:
    from fake_mailgun import Running, Server, Settings

    server = Server(Settings(port=0, smtp_port=0))
    signal.signal(signal.SIGTERM, lambda *_: server.stop())

    def ready(running: Running) -> None:
        print(f"profiled fake_mailgun http {running.port} smtp {running.smtp_port}", flush=True)

    profiler = _profiler()
    profiler.start()
    asyncio.run(server.serve(ready))
    profiler.stop()
    _write(profiler, out)


if __name__ == "__main__":
    {"startup": startup, "mailgun": mailgun}[sys.argv[1]](Path(sys.argv[2]))
