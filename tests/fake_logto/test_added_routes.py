"""``create_app(routes=…)`` / ``Server(routes=…)``: control routes a caller adds on top of the fake (the
harness's ``POST /__harness/sign-in``), without fake_logto importing that caller; control paths only, so
that Logto's own surface stays exactly Logto's."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from fake_logto import create_app


async def _ping() -> dict[str, bool]:
    return {"pong": True}


def test_an_added_control_route_is_served() -> None:
    with TestClient(create_app(routes=[("GET", "/__harness/ping", _ping)])) as client:
        assert client.get("/__harness/ping").json() == {"pong": True}
        refused = client.post("/__harness/ping")  # a control refusal, in the control shape
        assert refused.status_code == 405
        assert refused.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/users/ping", "/oidc/ping", "/__harnessing"])
def test_only_control_paths_may_be_added(path: str) -> None:
    with pytest.raises(ValueError, match="must be a control path"):
        create_app(routes=[("GET", path, _ping)])
