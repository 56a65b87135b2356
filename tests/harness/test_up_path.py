"""What ``harness up`` hands fake_logto for ``POST /__harness/sign-in`` at start: a light stand-in whose
endpoint (FastAPI's body parameter, pydantic, the HTTP client, the sign-in flow) loads on first use, and
which fake_logto documents and serves exactly as the endpoint itself."""

from __future__ import annotations

import subprocess
import sys

from fake_logto import create_app
from fake_logto import paths as logto_paths
from harness._sign_in_endpoint import sign_in_endpoint
from harness._sign_in_route import sign_in_routes


def test_the_sign_in_route_loads_its_endpoint_on_first_use() -> None:
    code = """
import inspect, sys
from harness._sign_in_route import sign_in_routes
heavy = {"fastapi", "pydantic", "httpx", "harness._sign_in_endpoint", "harness._client"}
[(method, path, endpoint)] = sign_in_routes("http://127.0.0.1:1", None)
assert not heavy & set(sys.modules), sorted(heavy & set(sys.modules))
assert list(inspect.signature(endpoint).parameters) == ["body"]
assert endpoint.__name__ == "harness_sign_in"
assert heavy <= set(sys.modules), sorted(heavy - set(sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_fake_logto_documents_the_stand_in_as_the_endpoint() -> None:
    path = logto_paths.HARNESS_SIGN_IN
    stand_in = create_app(routes=sign_in_routes("http://127.0.0.1:1")).openapi()
    endpoint = create_app(routes=[("POST", path, sign_in_endpoint("http://127.0.0.1:1"))]).openapi()
    assert stand_in["paths"][path] == endpoint["paths"][path]
    assert stand_in["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert stand_in["components"] == endpoint["components"]
