import pytest
from django.urls import reverse
from django.utils import translation

from modules.core.demo import demo_data_load, demo_data_loaded
from modules.core.models import CompanySettings
from tests.conftest import verified_client


def settings_form_data(**overrides):
    company = CompanySettings.load()
    data = {
        field.name: getattr(company, field.name)
        for field in CompanySettings._meta.fields
        if field.name not in {"id"}
    }
    data = {k: ("on" if v is True else "" if v is False else v) for k, v in data.items()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.django_db
def test_settings_form_shows_korean_field_errors(make_user):
    client = verified_client(make_user("boss", superuser=True, totp=True))
    url = reverse("wagtailsettings:edit", args=["core", "companysettings", CompanySettings.load().pk])
    with translation.override("ko"):
        response = client.post(
            url,
            settings_form_data(
                company_name="장터상회",
                business_number="123-45-67890",
                contact_phone="12",
                access_log_retention_days=30,
                pii_retention_months=3,
                login_log_retention_days=730,
            ),
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"business_number", "contact_phone", "access_log_retention_days"}
    assert "사업자등록번호" in errors["business_number"][0] or "검증" in errors["business_number"][0]
    assert CompanySettings.load().business_number == ""


@pytest.mark.django_db
def test_settings_form_saves_a_valid_business_number(make_user):
    client = verified_client(make_user("boss", superuser=True, totp=True))
    url = reverse("wagtailsettings:edit", args=["core", "companysettings", CompanySettings.load().pk])
    response = client.post(
        url,
        settings_form_data(
            company_name="장터상회",
            business_number="1234567891",
            pii_retention_months=3,
            access_log_retention_days=730,
            login_log_retention_days=730,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert CompanySettings.load().business_number == "123-45-67891"


@pytest.mark.django_db
def test_2fa_policy_default_follows_settings(settings):
    settings.JANGTEO_REQUIRE_2FA_DEFAULT = True
    assert CompanySettings.load().require_2fa is True


@pytest.mark.django_db
def test_demo_data_loads_once():
    users = demo_data_load()
    assert [u.username for u in users] == ["manager", "order", "cs", "viewer"]
    assert demo_data_loaded()
    assert demo_data_load() == []
