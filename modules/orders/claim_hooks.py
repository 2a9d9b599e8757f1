"""Admin pieces: claim."""
