import pytest
from django.urls import reverse

from integrations.channels.base import TemplateKind
from snippets.models import AddressTemplate, ChannelTemplateBase
from tests.channels.conftest import fast_adapter
from tests.conftest import verified_client


@pytest.mark.parametrize("marketplace", ["coupang", "elevenst", "naver"])
def test_saving_an_address_template_pushes_it_to_the_channel(sandbox_store, make_user, marketplace):
    store, _sandbox = sandbox_store(marketplace)
    client = verified_client(make_user("boss", superuser=True, totp=True))
    url = reverse("wagtailsnippets_snippets_addresstemplate:add")
    response = client.post(
        url,
        {
            "store": store.pk,
            "name": "본사 물류센터",
            "address_type": "outbound_address",
            "zip_code": "06236",
            "address1": "서울특별시 강남구 테헤란로 123",
            "address2": "지하 1층",
            "contact_name": "김출고",
            "phone1": "02-1234-5678",
            "phone2": "010-2222-3333",
        },
        follow=True,
    )
    assert response.status_code == 200
    template = AddressTemplate.objects.get(name="본사 물류센터")
    assert template.push_state == ChannelTemplateBase.PushState.PUSHED, template.push_error
    assert template.channel_template_id
    # The channel now lists it: a pull finds the same id.
    pulled = fast_adapter(store).pull_templates(TemplateKind(template.address_type))
    assert template.channel_template_id in {t.template_id for t in pulled}


def test_domestic_address_needs_a_postcode(sandbox_store, make_user):
    store, _sandbox = sandbox_store("coupang")
    client = verified_client(make_user("boss", superuser=True, totp=True))
    response = client.post(
        reverse("wagtailsnippets_snippets_addresstemplate:add"),
        {
            "store": store.pk,
            "name": "x",
            "address_type": "return_address",
            "address1": "서울",
            "contact_name": "김",
            "phone1": "02-1234-5678",
        },
    )
    assert response.status_code == 200
    assert "zip_code" in response.context["form"].errors
    assert not AddressTemplate.objects.exists()
