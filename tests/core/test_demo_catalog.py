"""The demo catalogue mirrors the sandbox's, so demo orders and pulled listings match SKUs by code."""

import pytest

from integrations.sandbox.fake import catalog
from modules.catalog.models import SKU
from modules.core.demo import demo_catalog_load


@pytest.mark.django_db
def test_demo_catalog_has_every_sandbox_option_code_once():
    assert len(demo_catalog_load()) == 5
    sandbox_codes = {option.seller_code for product in catalog("CP-", 1) for option in product.options}
    assert sandbox_codes <= set(SKU.objects.values_list("seller_code", flat=True))
    assert demo_catalog_load() == []  # idempotent
