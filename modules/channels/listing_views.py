"""Admin views for listings: the live log of a push/pull task, save-and-push, pull, send the queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from modules.accounts.areas import user_has_area_right

from .listing_selectors import task_log_lines
from .models import Listing, ListingTask, Store


def _require(request, right: str) -> None:
    if not user_has_area_right(request.user, "products", right):
        raise PermissionDenied


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def task_detail(request, task_id: int):
    _require(request, "view")
    task = get_object_or_404(ListingTask.objects.select_related("store", "listing"), pk=task_id)
    return render(request, "channels/listings/task.html", {"task": task})


@require_GET
def task_log_json(request, task_id: int):
    """Polled by the task page: the task's counters and the log lines after ``after``."""
    _require(request, "view")
    task = get_object_or_404(ListingTask, pk=task_id)
    after = request.GET.get("after", "0")
    lines = task_log_lines(task=task, after_id=int(after) if after.isdigit() else 0)
    return JsonResponse(
        {
            "status": task.status,
            "status_label": task.get_status_display(),
            "finished": task.is_finished,
            "total": task.total,
            "succeeded": task.succeeded,
            "failed": task.failed,
            "lines": [
                {
                    "id": line.pk,
                    "at": localtime(line.at).strftime("%H:%M:%S"),
                    "level": line.level,
                    "message": line.message,
                }
                for line in lines
            ],
        }
    )


@require_POST
def push_listing(request, listing_id: int):
    from .listing_services import listing_push

    _require(request, "edit")
    listing = get_object_or_404(Listing.objects.select_related("store", "product"), pk=listing_id)
    try:
        task = listing_push(listing=listing, user=request.user)
    except ValidationError as exc:
        messages.error(request, _("Cannot push: %(errors)s") % {"errors": _errors_text(exc)})
        return redirect("listings:edit", listing.pk)
    return redirect("listings_task", task.pk)


def pull_listings(request):
    """Pick a store and pull its products from the channel, linking them by seller code."""
    from .listing_services import listings_pull_request

    _require(request, "edit")
    stores = [store for store in Store.objects.filter(is_linked=True) if store.adapter_supports("listings_pull")]
    if request.method == "POST":
        store = get_object_or_404(Store, pk=request.POST.get("store") or 0)
        try:
            task = listings_pull_request(store=store, user=request.user)
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
            return redirect("listings_pull")
        return redirect("listings_task", task.pk)
    return render(request, "channels/listings/pull.html", {"stores": stores})


@require_POST
def send_queue(request):
    """Send the pending changes of a store now instead of waiting for the debounce."""
    from .listing_services import listing_changes_push

    _require(request, "edit")
    store = get_object_or_404(Store, pk=request.POST.get("store") or 0)
    task = listing_changes_push(store=store, user=request.user)
    if task is None:
        messages.info(request, _("Nothing is waiting to be sent for %(store)s.") % {"store": store})
        return redirect("listing_queue:index")
    return redirect("listings_task", task.pk)


def export_listings(request):
    """The listing list as it is filtered on screen, in the chosen channel-product layout."""
    from modules.spreadsheets.models import ExcelLayout
    from modules.spreadsheets.views import export_response

    from .listing_hooks import ListingFilterSet
    from .listing_selectors import listings

    _require(request, "view")
    filters = ListingFilterSet(request.GET or None, queryset=listings(), request=request)
    queryset = filters.qs if filters.is_valid() else listings()
    query = (request.GET.get("q") or "").strip()
    if query:
        from django.db.models import Q

        queryset = queryset.filter(
            Q(name__icontains=query)
            | Q(channel_product_id__icontains=query)
            | Q(product__name__icontains=query)
            | Q(product__seller_code__icontains=query)
        )
    layout_id = request.GET.get("layout") or ""
    layout = ExcelLayout.objects.filter(pk=layout_id, kind="channel_products").first() if layout_id.isdigit() else None
    return export_response(
        request,
        kind="channel_products",
        objects=queryset.iterator(chunk_size=2000),
        description=_("Channel products"),
        layout=layout,
    )
