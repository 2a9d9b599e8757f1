"""Admin pieces: desk."""
