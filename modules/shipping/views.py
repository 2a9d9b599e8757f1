"""Thin admin views of the shipping desk: every write goes through ``services`` or ``labels``.

Rights: the shipping area's view right to look, its edit right to register, send and print.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.accounts.areas import user_has_area_right
from modules.core.masking import mask_address, mask_name, mask_phone
from modules.orders.models import Bundle

from . import selectors, services
from .forms import BulkInvoiceForm, InvoiceForm, LabelOptionsForm
from .models import Shipment, ShipmentState
from .tasks import PDF_KEEP_SECONDS, pdf_cache_key

MAX_SELECTION = 2000
# Labels up to this many render while the person waits; more go to the worker (about 13 labels/s
# on two cores, and WeasyPrint holds the whole document in memory).
LABELS_IN_REQUEST = 100


def _require(request, right: str) -> None:
    if not user_has_area_right(request.user, "shipping", right):
        raise PermissionDenied


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def _selected_bundles(request) -> list[int]:
    return sorted({int(v) for v in request.POST.getlist("bundle") if v.isdigit()})[:MAX_SELECTION]


def _ordered_shipments(bundle_ids: list[int]) -> list[Shipment]:
    found = services.shipments_for_bundles(bundle_ids=bundle_ids)
    return [found[pk] for pk in bundle_ids if pk in found]


def _result_rows(results) -> list[dict]:
    summaries = {}
    if results:
        from modules.orders.bundles import bundle_summaries

        summaries = bundle_summaries([r.bundle_id for r in results if r.bundle_id])
    return [{"result": r, "summary": summaries.get(r.bundle_id)} for r in results]


def _results_page(request, *, title: str, results, back: str):
    ok = sum(1 for r in results if r.ok)
    return render(
        request,
        "shipping/desk/results.html",
        {"title": title, "rows": _result_rows(results), "succeeded": ok, "failed": len(results) - ok, "back": back},
    )


# The desk's bulk actions --------------------------------------------------------------------------


@require_POST
def shipments_action(request):
    """The buttons above the shipment list, on the ticked shipments (bundles)."""
    _require(request, "edit")
    back = _next_url(request, reverse("shipping_desk:index"))
    action = request.POST.get("action", "")
    bundle_ids = _selected_bundles(request)
    if not bundle_ids:
        messages.error(request, _("Tick the shipments first."))
        return redirect(back)
    if action in ("labels", "picking", "packing"):
        return _print(request, action=action, bundle_ids=bundle_ids, back=back)
    shipments = _ordered_shipments(bundle_ids)
    if action == "register":
        form = BulkInvoiceForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(back)
        try:
            results = services.invoices_register_bulk(
                shipments=shipments,
                courier=form.cleaned_data["courier"],
                numbers=services.parse_number_list(form.cleaned_data["numbers"]),
                user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        return _results_page(request, title=_("Invoice registration"), results=results, back=back)
    if action == "send":
        results = services.invoices_send(shipments=shipments, user=request.user)
        return _results_page(request, title=_("Invoice send"), results=results, back=back)
    if action == "force":
        results = services.invoices_force_complete(shipments=shipments, user=request.user)
        return _results_page(request, title=_("Marked sent without sending"), results=results, back=back)
    if action == "numbers":
        results = services.shipments_new_numbers(
            shipments=[s for s in shipments if not s.tracking_number], user=request.user
        )
        return _results_page(request, title=_("Numbers from the band"), results=results, back=back)
    messages.error(request, _("Unknown action."))
    return redirect(back)


def _print(request, *, action: str, bundle_ids: list[int], back: str):
    from . import labels

    shipments = _ordered_shipments(bundle_ids)
    ids = [s.pk for s in shipments]
    bundle_of = {s.pk: s.bundle_id for s in shipments}
    token = secrets.token_urlsafe(16)
    key = pdf_cache_key(request.user.pk, token)
    unchecked = {}
    if action == "labels":
        form = LabelOptionsForm(request.POST)
        form.is_valid()
        layout = form.cleaned_data.get("layout")
        new_numbers = bool(form.cleaned_data.get("new_numbers"))
        if len(ids) > LABELS_IN_REQUEST:
            # A big run renders on the worker; the PDF link waits for it.
            from django_q.tasks import async_task

            cache.set(key, {"pending": True, "count": len(ids)}, PDF_KEEP_SECONDS)
            async_task(
                "modules.shipping.tasks.labels_print_task",
                request.user.pk,
                ids,
                layout.pk if layout else None,
                new_numbers,
                token,
                task_name="shipping-labels",
            )
            return redirect("shipping_pdf", token)
        batch = labels.labels_print(shipment_ids=ids, layout=layout, user=request.user, new_numbers=new_numbers)
        pdf, printed, skipped, unchecked = batch.pdf, batch.printed, batch.skipped, batch.claims_unchecked
    else:
        make = labels.picking_list if action == "picking" else labels.packing_list
        pdf, printed, skipped = make(shipment_ids=ids, user=request.user), ids, []
    if pdf and printed:
        cache.set(key, {"pdf": pdf, "name": f"{action}.pdf"}, PDF_KEEP_SECONDS)
    return render(
        request,
        "shipping/desk/printed.html",
        {
            "kind": action,
            "printed": len(printed),
            "skipped": _skipped_rows(skipped, bundle_of),
            "unchecked": _store_names(unchecked),
            "pdf_url": reverse("shipping_pdf", args=[token]) if pdf and printed else "",
            "back": back,
        },
    )


def _skipped_rows(skipped, bundle_of: dict[int, int]) -> list[dict]:
    if not skipped:
        return []
    from modules.orders.bundles import bundle_summaries

    summaries = bundle_summaries([bundle_of[sid] for sid, _reason in skipped if bundle_of.get(sid)])
    return [
        {
            "shipment_id": sid,
            "bundle_id": bundle_of.get(sid),
            "reason": reason,
            "summary": summaries.get(bundle_of.get(sid)),
        }
        for sid, reason in skipped
    ]


def _store_names(unchecked: dict[int, str]) -> list[str]:
    if not unchecked:
        return []
    from modules.channels.models import Store

    names = dict(Store.objects.filter(pk__in=list(unchecked)).values_list("pk", "name"))
    return [f"{names.get(pk, pk)}: {why}" for pk, why in unchecked.items()]


def pdf_download(request, token: str):
    """The PDF just printed, for the person who printed it, for 15 minutes; a run still on the
    worker shows a page that reloads until the PDF is there."""
    _require(request, "view")
    entry = cache.get(pdf_cache_key(request.user.pk, token))
    if not entry:
        raise Http404(_("This print has expired; print again."))
    if entry.get("pending") or entry.get("failed") or not entry.get("pdf"):
        skipped = [tuple(item) for item in entry.get("skipped", [])]
        bundle_of = dict(Shipment.objects.filter(pk__in=[sid for sid, _r in skipped]).values_list("pk", "bundle_id"))
        return render(
            request,
            "shipping/desk/printed.html",
            {
                "kind": "labels",
                "pending": entry.get("count", 0) if entry.get("pending") else 0,
                "failed": entry.get("failed", ""),
                "printed": entry.get("printed", 0),
                "skipped": _skipped_rows(skipped, bundle_of),
                "pdf_url": "",
                "back": reverse("shipping_desk:index"),
            },
        )
    response = HttpResponse(entry["pdf"], content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{entry["name"]}"'
    response["Cache-Control"] = "no-store"
    return response


# One shipment ---------------------------------------------------------------------------------------


def shipment_page(request, bundle_id: int):
    """A parcel: its lines, receiver (masked), courier and number, the channel's answers, the
    numbers it carried and its history; register or correct the invoice here."""
    _require(request, "view")
    bundle = get_object_or_404(Bundle.objects.select_related("shipment__contract", "shipment__warehouse"), pk=bundle_id)
    shipment = getattr(bundle, "shipment", None)
    lines = selectors.shipment_lines(bundle)
    sent = any(line.state in services.SENT_LINE_STATES for line in lines)
    boxes = list(shipment.contract.boxes.all()) if shipment and shipment.contract_id else []
    can_edit = user_has_area_right(request.user, "shipping", "edit")
    if request.method == "POST":
        _require(request, "edit")
        form = InvoiceForm(request.POST, boxes=boxes)
        if form.is_valid():
            shipment = shipment or services.shipments_for_bundles(bundle_ids=[bundle.pk])[bundle.pk]
            data = form.cleaned_data
            try:
                if sent:
                    result = services.invoice_correct(
                        shipment=shipment,
                        courier=data["courier"],
                        tracking_number=data["tracking_number"],
                        user=request.user,
                    )
                    if result.ok:
                        messages.success(request, _("Invoice corrected at the channel."))
                    else:
                        messages.error(request, _("The channel refused: %(message)s") % {"message": result.message})
                else:
                    services.invoice_register(
                        shipment=shipment,
                        courier=data["courier"],
                        tracking_number=data["tracking_number"],
                        box_size=data.get("box_size") or "",
                        user=request.user,
                    )
                    messages.success(request, _("Invoice registered."))
                return redirect("shipping_shipment", bundle.pk)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
    else:
        initial = {}
        if shipment:
            initial = {
                "courier": shipment.courier,
                "tracking_number": shipment.tracking_number,
                "box_size": shipment.box_size,
            }
        form = InvoiceForm(initial=initial, boxes=boxes)
    order = lines[0].order if lines else None
    receiver = {}
    if order is not None:
        receiver = {
            "name": mask_name(order.receiver_name),
            "phone": mask_phone(order.receiver_phone1),
            "address": mask_address(order.address1, order.address2),
            "zip_code": order.zip_code,
            "message": order.delivery_message,
        }
    return render(
        request,
        "shipping/desk/shipment.html",
        {
            "bundle": bundle,
            "shipment": shipment,
            "lines": lines,
            "receiver": receiver,
            "form": form,
            "sent": sent,
            "can_edit": can_edit,
            "numbers": selectors.shipment_numbers(shipment),
            "events": selectors.shipment_events(bundle),
            "label_form": LabelOptionsForm(),
            "state_failed": shipment is not None
            and shipment.state in (ShipmentState.FAILED, ShipmentState.PARTLY_SENT),
        },
    )


def couriers_page(request):
    """택배사: the couriers we know, each marketplace's code and the tracking-number rule."""
    _require(request, "view")
    from integrations.couriers import registry

    rows = []
    for courier in registry.COURIERS.values():
        rows.append({"courier": courier, "codes": registry.marketplace_codes(courier.code)})
    return render(request, "shipping/couriers.html", {"rows": rows})


def export_invoice_targets(request):
    """송장 대상 목록 in Excel: the shipments of the desk's tab (default: waiting for an invoice),
    to fill in 송장번호 and upload back."""
    from modules.spreadsheets.models import ExcelLayout
    from modules.spreadsheets.views import export_response

    from .excel import invoice_target_rows

    _require(request, "view")
    tab = request.GET.get("tab") or "waiting"
    bundles = selectors.shipment_desk(tab).order_by("id")
    layout_id = request.GET.get("layout") or ""
    layout = ExcelLayout.objects.filter(pk=layout_id, kind="invoice_targets").first() if layout_id.isdigit() else None
    return export_response(
        request,
        kind="invoice_targets",
        objects=invoice_target_rows(bundles=bundles),
        description=_("Invoice target list") + f" ({tab})",
        layout=layout,
    )
