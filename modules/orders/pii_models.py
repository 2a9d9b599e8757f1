"""Models for personal data handling of orders (reveal log, retention runs)."""
