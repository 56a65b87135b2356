"""The sample apps the harness starts: ``go`` (the Logto tutorial's gin app) and ``python`` (its FastAPI port)."""
