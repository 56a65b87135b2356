"""``python -m bench``: how fast and how light the harness is, side by side with what users would pick
instead (oauth2-mock-server, oidc-provider-mock, maildev, Mailpit), written to ``docs/benchmarks.md``.

Peers are installed by the bench itself into ``.bench-cache/`` (npm, pip, ``go install``) and only ever
listen on 127.0.0.1. ``--quick`` measures the harness alone, in well under a minute, with no install.
"""
