import pytest
from wagtail.users.models import UserProfile

from tests.conftest import verified_client


@pytest.mark.django_db
def test_admin_is_korean_by_default_and_english_per_user(make_user):
    user = make_user("boss", superuser=True, totp=True)
    client = verified_client(user)
    korean = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="ko"' in korean.content.decode()

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    english = client.get("/admin/")
    assert '<html lang="en"' in english.content.decode()


@pytest.mark.django_db
def test_language_choices_are_korean_and_english(settings):
    assert settings.LANGUAGE_CODE == "ko"
    assert [code for code, _name in settings.WAGTAILADMIN_PERMITTED_LANGUAGES] == ["ko", "en"]
    assert settings.TIME_ZONE == "Asia/Seoul"
