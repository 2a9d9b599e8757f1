"""Admin pieces: pii."""
