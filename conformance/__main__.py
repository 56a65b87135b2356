"""``python -m conformance``: see :mod:`conformance._run`."""

from __future__ import annotations

import sys

from ._run import main

sys.exit(main())
