"""``python -m harness`` = the ``harness`` command."""

from __future__ import annotations

import sys

from ._cli import main

sys.exit(main())
