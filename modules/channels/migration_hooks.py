"""Admin for channel product migration (상품 가져오기 from a channel's Excel export)."""
