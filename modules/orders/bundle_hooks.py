"""Admin pieces: bundle."""
