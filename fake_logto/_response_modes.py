"""The response modes an authorization answer travels by, as discovery advertises them: ``query``,
``fragment`` (303 redirects) and ``form_post`` (a 200 page that posts itself), by name.

Follows node-oidc-provider's ``lib/response_modes/`` (``query.js``, ``fragment.js``, ``form_post.js``:
its HTML, inputs escaped as ``lib/helpers/html_safe.js``) and ``lib/actions/authorization/
check_response_mode.js``: an unknown mode is ``unsupported_response_mode``. Logto registers no other
mode (``web_message`` and JARM are off).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.responses import HTMLResponse, RedirectResponse, Response

DEFAULT = "query"


def _query(redirect_uri: str, params: dict[str, str]) -> Response:
    parts = urlsplit(redirect_uri)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return RedirectResponse(urlunsplit(parts._replace(query=query)), status_code=303)


def _fragment(redirect_uri: str, params: dict[str, str]) -> Response:
    parts = urlsplit(redirect_uri)
    return RedirectResponse(urlunsplit(parts._replace(fragment=urlencode(params))), status_code=303)


def form_post_page(action: str, inputs: dict[str, str], status: int = 200) -> HTMLResponse:
    """node-oidc-provider's self-submitting form (also the sign-out confirm without a session)."""
    fields = "\n".join(
        f'<input type="hidden" name="{key}" value="{html.escape(value, quote=True)}"/>'
        for key, value in inputs.items()
    )
    page = f"""<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <title>Submitting Callback</title>
  <script>
    document.addEventListener('DOMContentLoaded', function () {{ document.forms[0].submit() }});
  </script>
</head>
<body>
  <form method="post" action="{html.escape(action, quote=True)}">
    {fields}
    <noscript>
      Your browser does not support JavaScript or you've disabled it.<br/>
      <button autofocus type="submit">Continue</button>
    </noscript>
  </form>
</body>
</html>"""
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def _form_post(redirect_uri: str, params: dict[str, str]) -> Response:
    return form_post_page(redirect_uri, params, 400 if "error" in params else 200)


MODES: dict[str, Callable[[str, dict[str, str]], Response]] = {
    "query": _query,
    "fragment": _fragment,
    "form_post": _form_post,
}


def respond(mode: str | None, redirect_uri: str, params: dict[str, str]) -> Response:
    """The answer ``params`` (code or error, ``state``, ``iss``) sent by ``mode`` (default ``query``)."""
    return MODES.get(mode or DEFAULT, _query)(redirect_uri, params)
