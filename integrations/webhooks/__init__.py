"""Outbound webhook HTTP (the only part of the webhooks that touches the network)."""
