"""The products edit right brings what the product page needs from Wagtail's image library."""

from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from modules.accounts.group_panel import AreaRightsForm
from tests.conftest import verified_client

image_policy = policy_registry.get_by_type(get_image_model())


def test_products_editors_can_upload_and_choose_images(make_user):
    editor = make_user("상품편집", rights={"products": {"edit"}})
    viewer = make_user("상품조회", rights={"products": {"view"}})
    orders = make_user("주문담당", rights={"orders": {"edit"}})
    assert image_policy.user_has_permission(editor, "add")
    assert image_policy.user_has_permission(editor, "choose")
    for user in (viewer, orders):
        assert not image_policy.user_has_permission(user, "add")
        assert not image_policy.user_has_permission(user, "choose")
    response = verified_client(editor).get("/admin/images/chooser/")
    assert response.status_code == 200


def test_taking_the_right_away_on_the_group_page_removes_image_rights(make_user):
    editor = make_user("상품편집", rights={"products": {"edit"}})
    group = editor.groups.get()
    form = AreaRightsForm({"area_rights-products_view": "on"}, instance=group)
    assert form.is_valid(), form.errors
    form.save()
    editor = type(editor).objects.get(pk=editor.pk)  # fresh permission cache
    assert not image_policy.user_has_permission(editor, "add")
    form = AreaRightsForm({"area_rights-products_edit": "on"}, instance=group)
    assert form.is_valid()
    form.save()
    editor = type(editor).objects.get(pk=editor.pk)
    assert image_policy.user_has_permission(editor, "choose")
