"""placeholder"""

ROUTES: list[object] = []
