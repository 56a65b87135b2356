"""Bookstore, the Python sample app: ``python -m e2e.apps.python`` from the repository's root.

Environment: ``LOGTO_ENDPOINT``, ``LOGTO_APP_ID``, ``LOGTO_APP_SECRET``, ``BASE_URL`` (default
http://localhost:3000), ``PORT`` (default 3000), ``HOST`` (default every interface). Once it accepts
connections it prints one line: ``bookstore listening on <BASE_URL>``.
"""

from .app import Sessions, SessionStorage, Settings, create_app

__all__ = ["SessionStorage", "Sessions", "Settings", "create_app"]
