"""Bookstore in Python: the Go tutorial's app with FastAPI and the official ``logto`` SDK, unmodified.

Each browser gets a server-side session (an in-memory dict keyed by a random id in the
``bookstore_session`` cookie — not a cookie session, as the tutorial advises: the SDK's tokens may exceed a
cookie's size) and the SDK a :class:`SessionStorage` over that session alone (the SDK's default
``MemoryStorage()`` is one object shared by every client: every visitor would be the same user).
"""

from __future__ import annotations

import html
import json
import os
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from logto import InteractionMode, LogtoClient, LogtoConfig, LogtoException, Storage
from logto.Storage import PersistKey

SESSION_COOKIE = (
    "bookstore_session"  # not fake_logto's ``_session`` / ``_interaction``: same host "localhost"
)
SESSION_MAX_AGE = 7 * 24 * 3600


@dataclass(frozen=True)
class Settings:
    endpoint: str
    app_id: str
    app_secret: str | None
    base_url: str = "http://localhost:3000"
    host: str = "0.0.0.0"
    port: int = 3000

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        missing = [name for name in ("LOGTO_ENDPOINT", "LOGTO_APP_ID") if not env.get(name)]
        if missing:
            raise SystemExit(f"bookstore: set {' and '.join(missing)}")
        return cls(
            endpoint=env["LOGTO_ENDPOINT"],
            app_id=env["LOGTO_APP_ID"],
            app_secret=env.get("LOGTO_APP_SECRET") or None,
            base_url=(env.get("BASE_URL") or "http://localhost:3000").rstrip("/"),
            host=env.get("HOST") or "0.0.0.0",
            port=int(env.get("PORT") or 3000),
        )


class Sessions:
    """Server-side sessions: id → the session's items."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def open(self, session_id: str | None) -> tuple[str, dict[str, str], bool]:
        """``(id, items, new)``: the session of ``session_id``, or a new one."""
        with self._lock:
            if session_id and session_id in self._items:
                return session_id, self._items[session_id], False
            new_id = secrets.token_urlsafe(32)
            self._items[new_id] = {}
            return new_id, self._items[new_id], True


class SessionStorage(Storage):
    """The SDK's ``Storage`` over one browser session."""

    def __init__(self, items: dict[str, str]) -> None:
        self._items = items

    def get(self, key: PersistKey) -> str | None:
        return self._items.get(key)

    def set(self, key: PersistKey, value: str | None) -> None:
        if value is None:
            self._items.pop(key, None)
        else:
            self._items[key] = value

    def delete(self, key: PersistKey) -> None:
        self._items.pop(key, None)


def _rows(claims: dict[str, Any]) -> list[tuple[str, str]]:
    """A claims object's members, sorted, without the empty ones (null, "", [], {}); JSON for non-strings."""
    rows = []
    for name, value in sorted(claims.items()):
        if value is None or value == "" or value == [] or value == {}:
            continue
        rows.append((name, value if isinstance(value, str) else json.dumps(value)))
    return rows


@dataclass
class Table:
    id: str
    title: str
    rows: list[tuple[str, str]]
    note: str = ""
    error: str = ""

    def html(self) -> str:
        parts = [f"<h2>{html.escape(self.title)}</h2>"]
        if self.note:
            parts.append(f'<p id="{self.id}-note">{html.escape(self.note)}</p>')
        if self.error:
            parts.append(f'<p id="{self.id}-error">{html.escape(self.error)}</p>')
        else:
            cells = "".join(
                f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>\n"
                for name, value in self.rows
            )
            parts.append(f'<table id="{self.id}">\n{cells}</table>')
        return "\n".join(parts) + "\n"


def page(
    title: str,
    *,
    signed_in: bool,
    email: str | None = None,
    home: bool = False,
    tables: tuple[Table, ...] = (),
    status: int = 200,
) -> HTMLResponse:
    """The same page as the Go app's."""
    lines = [
        '<!doctype html>\n<html lang="en">',
        f'<head><meta charset="utf-8"><title>{html.escape(title)} · Bookstore</title></head>\n<body>',
        f"<h1>{html.escape(title)}</h1>",
    ]
    if signed_in:
        lines.append('<div id="auth-state">You are signed in.</div>')
        if email:
            lines.append(f'<div id="user">Signed in as <span id="email">{html.escape(email)}</span></div>')
    else:
        lines.append('<div id="auth-state">You are not signed in.</div>')
    lines.extend(table.html().rstrip("\n") for table in tables)
    lines.append("<nav>")
    if home:
        lines.append('<div><a href="/">Home</a></div>')
    if signed_in:
        lines.append('<div><a href="/profile">Profile</a></div>\n<div><a href="/sign-out">Sign out</a></div>')
    else:
        lines.append('<div><a href="/sign-in">Sign in</a></div>\n<div><a href="/register">Register</a></div>')
    lines.append("</nav>\n</body>\n</html>\n")
    return HTMLResponse("\n".join(lines), status_code=status)


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="Bookstore", docs_url=None, redoc_url=None, openapi_url=None)
    sessions = Sessions()
    config = LogtoConfig(
        endpoint=settings.endpoint,
        appId=settings.app_id,
        appSecret=settings.app_secret,
        scopes=["email"],
    )

    @app.middleware("http")
    async def session_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        session_id, items, new = sessions.open(request.cookies.get(SESSION_COOKIE))
        request.state.session = items
        response = await call_next(request)
        if new:
            response.set_cookie(
                SESSION_COOKIE, session_id, max_age=SESSION_MAX_AGE, path="/", httponly=True, samesite="lax"
            )
        return response

    def storage(request: Request) -> SessionStorage:
        items: dict[str, str] = request.state.session
        return SessionStorage(items)

    def logto(request: Request) -> LogtoClient:
        return LogtoClient(config, storage=storage(request))

    def email_of(client: LogtoClient) -> str | None:
        email: str | None = client.getIdTokenClaims().email
        return email

    async def userinfo_table(request: Request, client: LogtoClient) -> Table:
        table = Table("userinfo", "User info", [])
        try:
            info = await client.fetchUserInfo()
        except LogtoException as rejected:
            if client.getRefreshToken() is None:
                table.error = str(rejected)
                return table
            # The cached access token was rejected (revoked, or expired by the server's clock before
            # ours): drop it, so that the SDK runs the refresh grant, and try once more.
            storage(request).delete("accessTokenMap")
            try:
                info = await client.fetchUserInfo()
            except LogtoException as again:
                table.error = str(again)
                return table
            table.note = "The access token was rejected: refreshed it and retried."
        table.rows = _rows(info.model_dump())
        return table

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        client = logto(request)
        signed_in = client.isAuthenticated()
        return page("Hello Logto", signed_in=signed_in, email=email_of(client) if signed_in else None)

    async def sign_in(request: Request, mode: InteractionMode | None) -> Response:
        try:
            url = await logto(request).signIn(f"{settings.base_url}/callback", interactionMode=mode)
        except Exception as exc:  # the SDK raises aiohttp's, pydantic's and its own errors
            return PlainTextResponse(str(exc), status_code=500)
        return RedirectResponse(url, status_code=307)

    @app.get("/sign-in")
    async def sign_in_route(request: Request) -> Response:
        return await sign_in(request, None)

    @app.get("/register")
    async def register(request: Request) -> Response:
        return await sign_in(request, "signUp")

    @app.get("/callback")
    async def callback(request: Request) -> Response:
        try:
            await logto(request).handleSignInCallback(str(request.url))
        except Exception as exc:
            return PlainTextResponse(str(exc) or type(exc).__name__, status_code=500)
        return RedirectResponse("/", status_code=307)

    @app.get("/profile")
    async def profile(request: Request) -> Response:
        client = logto(request)
        if not client.isAuthenticated():
            return page("Profile", signed_in=False, home=True, status=401)
        claims = client.getIdTokenClaims()
        id_token = Table("id-token-claims", "ID token claims", _rows(claims.model_dump()))
        userinfo = await userinfo_table(request, client)
        return page("Profile", signed_in=True, email=claims.email, home=True, tables=(id_token, userinfo))

    @app.get("/sign-out")
    async def sign_out(request: Request) -> Response:
        try:
            url = await logto(request).signOut(settings.base_url)
        except Exception as exc:
            return PlainTextResponse(str(exc), status_code=200)
        return RedirectResponse(url, status_code=307)

    return app
