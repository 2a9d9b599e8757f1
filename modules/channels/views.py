"""Admin views for stores: collect now (with live progress) and connection check."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from modules.accounts.areas import user_has_area_right

from .forms import CollectNowForm
from .models import Store
from .selectors import runs_by_ids
from .services import store_verify, sync_request


def _require(request, right: str) -> None:
    if not user_has_area_right(request.user, "channels", right):
        raise PermissionDenied


def collect_now(request, store_id: int):
    """Pick kinds, queue one run each, then watch them on the same page."""
    _require(request, "edit")
    store = get_object_or_404(Store, pk=store_id)
    run_ids = [int(i) for i in request.GET.getlist("run") if i.isdigit()]
    form = CollectNowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        runs = sync_request(store=store, kinds=form.cleaned_data["kinds"], user=request.user)
        query = "&".join(f"run={run.pk}" for run in runs)
        return redirect(f"{request.path}?{query}")
    return render(request, "channels/collect_now.html", {"store": store, "form": form, "run_ids": run_ids})


@require_GET
def runs_progress(request):
    """Polled by the collect-now page: the state of the given runs."""
    _require(request, "view")
    ids = [int(i) for i in request.GET.getlist("run") if i.isdigit()][:20]
    runs = [
        {
            "id": run.pk,
            "store": str(run.store),
            "kind": run.get_kind_display(),
            "status": run.status,
            "status_label": run.get_status_display(),
            "pages": run.pages,
            "fetched": run.fetched,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "flagged": run.flagged,
            "errors": run.error_count,
            "progress": run.progress,
            "message": run.message,
            "finished_at": localtime(run.finished_at).strftime("%H:%M:%S") if run.finished_at else "",
        }
        for run in runs_by_ids(ids)
    ]
    done = all(run["status"] not in ("queued", "running") for run in runs)
    return JsonResponse({"runs": runs, "done": done})


def verify_store(request, store_id: int):
    _require(request, "edit")
    store = get_object_or_404(Store, pk=store_id)
    if request.method == "POST":
        result = store_verify(store=store)
        if result.ok:
            messages.success(request, _("Connection checked: %(message)s") % {"message": result.message})
        else:
            messages.error(request, _("The marketplace refused: %(message)s") % {"message": result.message})
        return redirect("stores:index")
    return render(request, "channels/verify_store.html", {"store": store})
