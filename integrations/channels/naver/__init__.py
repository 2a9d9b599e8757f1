"""Naver SmartStore (네이버 스마트스토어) through the Naver Commerce API: see adapter.NaverAdapter."""
