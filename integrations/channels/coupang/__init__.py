"""Coupang WING Open API: signing (auth), HTTP (client), payload mapping (mapper), adapter."""
