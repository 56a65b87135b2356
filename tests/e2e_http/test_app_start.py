"""``harness._apps``: what a sample app that cannot start says, and the tenant the app's port implies."""

from __future__ import annotations

import dataclasses
import signal
import socket
from pathlib import Path

import pytest

import harness._apps as apps
from harness import ConfigError, load_harness_config
from harness._apps import AppError, AppSettings, check_app, start_app
from harness._config import with_app_url


def test_a_missing_go_binary_says_to_run_the_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(apps, "GO_BINARY", tmp_path / "bookstore")
    with pytest.raises(AppError, match=r"the Go sample app is not built .*run scripts/setup \(it needs Go"):
        check_app("go")


def test_a_go_binary_older_than_its_sources_says_to_rebuild(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    binary, stamp = tmp_path / "bookstore", tmp_path / ".built"
    binary.write_text("")
    stamp.write_text("0123456789abcdef\n")
    monkeypatch.setattr(apps, "GO_BINARY", binary)
    monkeypatch.setattr(apps, "GO_STAMP", stamp)
    with pytest.raises(AppError, match="older than its sources"):
        check_app("go")
    stamp.write_text(apps.go_sources_digest() + "\n")  # as scripts/setup writes it
    check_app("go")


def test_the_go_sources_are_the_module_files() -> None:
    names = [path.name for path in apps.go_sources()]
    assert names[:2] == ["go.mod", "go.sum"]
    assert {"main.go", "session_storage.go"} <= set(names)


@pytest.mark.parametrize("name", ["python", "go", "spa"])
def test_an_app_that_cannot_listen_fails_with_its_output(name: apps.AppName) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = AppSettings(name, "http://localhost:9", "bookstore", "secret", port)
        with pytest.raises(AppError, match=f"the {name} sample app exited with status 1") as error:
            start_app(settings)
    assert "address already in use" in str(error.value).lower()


def test_a_spa_bundle_missing_or_older_than_its_sources_says_to_run_the_setup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle, stamp = tmp_path / "app.js", tmp_path / ".built"
    monkeypatch.setattr(apps, "SPA_BUNDLE", bundle)
    monkeypatch.setattr(apps, "SPA_STAMP", stamp)
    with pytest.raises(
        AppError, match=r"the SPA sample app is not bundled .*run scripts/setup \(it needs Node"
    ):
        check_app("spa")
    bundle.write_text("")
    stamp.write_text("0123456789abcdef\n")
    with pytest.raises(AppError, match="bundle is older than its sources"):
        check_app("spa")
    stamp.write_text(apps.spa_sources_digest() + "\n")  # as scripts/setup writes it
    check_app("spa")
    names = [path.relative_to(apps.SPA_APP).as_posix() for path in apps.spa_sources()]
    assert names[:3] == ["package.json", "package-lock.json", "src/main.js"]


def test_the_spa_signs_in_as_the_first_spa_application() -> None:
    """The seed tenant has none: a public client is added first; a tenant's own SPA app is moved first."""
    config = load_harness_config(None)
    tenant = config.tenant_config("http://127.0.0.1:5080", "http://localhost:4567", spa=True)
    first = tenant.applications[0]
    assert (first.id, first.type, first.secret, first.confidential) == ("bookstore-spa", "spa", "", False)
    assert first.redirect_uris == ("http://localhost:4567/callback", "http://localhost:3000/callback")
    assert first.post_logout_redirect_uris == ("http://localhost:4567", "http://localhost:3000")
    assert [a.id for a in tenant.applications[1:3]] == ["bookstore", "harness-management"]
    own = {"name": "Shop", "type": "spa", "id": "shop", "redirect_uris": ["https://shop.test/cb"]}
    web = {
        "name": "Web",
        "type": "traditional",
        "id": "web",
        "secret": "s",
        "redirect_uris": ["https://w.test/cb"],
    }
    config = dataclasses.replace(config, tenant={"applications": [web, own]})
    tenant = config.tenant_config("http://127.0.0.1:5080", "http://localhost:4567", spa=True)
    assert [a.id for a in tenant.applications][:2] == ["shop", "web"]
    assert tenant.applications[0].redirect_uris == ("http://localhost:4567/callback", "https://shop.test/cb")


def test_the_app_url_leads_the_first_applications_uris() -> None:
    tenant = load_harness_config(None).tenant_config("http://127.0.0.1:5080", "http://localhost:4567/")
    app = tenant.applications[0]
    assert app.redirect_uris == ("http://localhost:4567/callback", "http://localhost:3000/callback")
    assert app.post_logout_redirect_uris == ("http://localhost:4567", "http://localhost:3000")
    same = load_harness_config(None).tenant_config("http://127.0.0.1:5080", "http://localhost:3000")
    assert same.applications[0].redirect_uris == ("http://localhost:3000/callback",)


def test_the_app_needs_a_traditional_first_application() -> None:
    tenant = load_harness_config(None).tenant_config("http://127.0.0.1:5080")
    m2m = dataclasses.replace(tenant.applications[0], type="m2m")
    with pytest.raises(ConfigError, match=r"applications\[0\]\.type: .* traditional web app, got 'm2m'"):
        with_app_url(dataclasses.replace(tenant, applications=(m2m,)), "http://localhost:4567")


@pytest.mark.parametrize("name", ["python", "go", "spa"])
def test_an_app_says_it_listens_then_stops_gracefully_on_sigterm(name: apps.AppName) -> None:
    settings = AppSettings(name, "http://localhost:9", "bookstore", "secret", apps.free_port("127.0.0.1"))
    app = start_app(settings)
    with socket.create_connection(("127.0.0.1", settings.port)):
        pass  # accepting connections once the line is out
    status = app.stop()
    # Go and the SPA's static server exit 0; uvicorn shuts down, then re-raises the signal it caught (the
    # Unix convention).
    assert status == (-signal.SIGTERM if name == "python" else 0), app.output()
    if name == "python":
        assert "Application shutdown complete." in app.output()


def test_a_fake_failing_after_the_app_started_stops_the_app_and_frees_the_ports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """start_harness spawns the app before the fakes load: if a fake then fails, the app is stopped and
    every socket bound for the run is closed."""
    import fake_logto._server
    import harness._harness

    spawned: list[apps.RunningApp] = []
    bound: list[socket.socket] = []

    def spawn(settings: AppSettings, **kwargs: object) -> apps.RunningApp:
        app = original_spawn(settings, **kwargs)  # type: ignore[arg-type]
        spawned.append(app)
        return app

    def bind(host: str, port: int, what: str) -> socket.socket:
        sock = original_bind(host, port, what)
        bound.append(sock)
        return sock

    def failing_init(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("fake_logto could not be built")

    original_spawn, original_bind = apps.spawn_app, harness._harness.bind
    monkeypatch.setattr(apps, "spawn_app", spawn)
    monkeypatch.setattr(harness._harness, "bind", bind)
    monkeypatch.setattr(fake_logto._server.Server, "__init__", failing_init)
    starting = harness._harness.start_harness(load_harness_config(None), free_ports=True, app="python")
    with pytest.raises(RuntimeError, match="could not be built"), starting:
        pytest.fail("the harness started")
    assert len(spawned) == 1
    assert spawned[0].process.returncode is not None, "the app process was stopped"
    assert len(bound) == 3
    assert all(sock.fileno() == -1 for sock in bound), "every socket was closed"
