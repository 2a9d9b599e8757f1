from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from modules.accounts.permissions import AreaPermissionPolicy

from .models import AddressTemplate, ChannelTemplateBase, DeliveryTemplate, DispatchDeadlineTemplate
from .services import template_push

for _model in (AddressTemplate, DispatchDeadlineTemplate, DeliveryTemplate):
    register_permission_policy(_model, AreaPermissionPolicy(_model, area="channels"))


class _TemplateViewSet(SnippetViewSet):
    list_filter = ["store"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False

    def get_permissions_to_register(self):
        from django.contrib.auth.models import Permission

        return Permission.objects.none()


class AddressTemplateViewSet(_TemplateViewSet):
    model = AddressTemplate
    icon = "home"
    menu_label = gettext_lazy("Address templates")
    menu_name = "address-templates"
    list_display = ["name", "store", "address_type", "address1", "push_state", "push_error"]
    list_filter = ["store", "address_type", "push_state"]


class DispatchDeadlineTemplateViewSet(_TemplateViewSet):
    model = DispatchDeadlineTemplate
    icon = "time"
    menu_label = gettext_lazy("Dispatch deadline templates")
    menu_name = "dispatch-deadline-templates"
    list_display = ["name", "store", "cutoff_time", "dispatch_days", "push_state", "push_error"]


class DeliveryTemplateViewSet(_TemplateViewSet):
    model = DeliveryTemplate
    icon = "pick"
    menu_label = gettext_lazy("Delivery templates")
    menu_name = "delivery-templates"
    list_display = ["name", "store", "fee_type", "base_fee", "push_state", "push_error"]


class TemplatesGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("Channel templates")
    menu_name = "channel-templates"
    menu_icon = "clipboard-list"
    menu_order = 310
    items = (AddressTemplateViewSet, DispatchDeadlineTemplateViewSet, DeliveryTemplateViewSet)


register_snippet(TemplatesGroup)


def _push_after_save(request, instance):
    """Saving a template here sends it to its store at once; the outcome is shown and kept."""
    if not isinstance(instance, ChannelTemplateBase):
        return
    template_push(template=instance)
    if instance.push_state == ChannelTemplateBase.PushState.PUSHED:
        messages.success(request, _("Sent to the channel."))
    else:
        messages.warning(
            request, _("Saved here, but the channel refused it: %(error)s") % {"error": instance.push_error}
        )


@hooks.register("after_create_snippet")
def push_created_template(request, instance):
    _push_after_save(request, instance)


@hooks.register("after_edit_snippet")
def push_edited_template(request, instance):
    _push_after_save(request, instance)
