"""Views of /api/v1/: parse, authorise (token scope), call one service, render. No business rules here."""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from modules.catalog.models import SKU, Category, OptionGroup, Product
from modules.catalog.services import SkuEdit, product_create, product_update, sku_update
from modules.channels.models import Store, SyncKind
from modules.channels.selectors import store_freshness
from modules.channels.services import sync_request
from modules.inventory.selectors import stock_levels
from modules.inventory.services import stock_adjust, stock_direct_sale
from modules.orders.actions import order_acknowledge, order_seller_cancel
from modules.orders.claim_selectors import claims_list
from modules.orders.claims import claim_approve, claim_reject
from modules.orders.models import Claim, Order, OrderEvent, OrderLine
from modules.shipping.models import Shipment, Warehouse
from modules.shipping.services import invoice_register, shipments_for_bundles

from . import serializers as s
from .base import ApiView
from .errors import ApiError, Conflict
from .serializers_base import ErrorSerializer

API = OrderEvent.Source.API


def errors(*codes: int) -> dict:
    """Error responses for the schema: always 401/403/429 (token, scope, IP, rate) plus ``codes``."""
    return dict.fromkeys(sorted({401, 403, 429, *codes}), ErrorSerializer)


IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional. The same key with the same body within 24 hours returns the first answer; "
    "with another body: 409 idempotency_key_reused.",
)
WRITE_ERRORS = errors(400, 404, 409, 413)


def _param(name, kind=OpenApiTypes.STR, description="", enum=None):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, enum=enum)


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ApiError(
            "invalid",
            _("%(name)s must be a positive whole number.") % {"name": name},
            fields={name: [_("Enter a positive whole number.")]},
        )
    return value


def _datetime_param(request, name: str):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    field = serializers.DateTimeField()
    try:
        return field.to_internal_value(raw)
    except serializers.ValidationError as exc:
        raise ApiError(
            "invalid",
            _("%(name)s is not a date and time (ISO 8601).") % {"name": name},
            fields={name: [str(m) for m in exc.detail]},
        ) from None


def _choice_param(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    allowed = [value for value, _label in choices]
    if raw not in allowed:
        raise ApiError(
            "invalid",
            _("%(name)s must be one of: %(values)s") % {"name": name, "values": ", ".join(allowed)},
            fields={name: [_("Not an allowed value.")]},
        )
    return raw


def _validated(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _page(view, queryset, serializer_class):
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(serializer_class(page, many=True).data)


@csrf_exempt
def not_found(request, *args, **kwargs):
    from django.http import JsonResponse

    from .errors import envelope

    return JsonResponse(envelope("not_found", _("Not found.")), status=404)


# Catalog ----------------------------------------------------------------------------------------------


def _product_detail(pk: int) -> Product:
    product = get_object_or_404(
        Product.objects.filter(deleted_at__isnull=True).prefetch_related("option_groups"), pk=pk
    )
    product.sku_rows = list(product.skus.order_by("sort_order", "id"))
    return product


def _apply_product_input(product: Product, data: dict) -> None:
    if "category_id" in data:
        category = Category.objects.filter(pk=data.pop("category_id")).first()
        if category is None:
            raise ApiError("invalid", _("No such category."), fields={"category_id": [_("No such category.")]})
        product.category = category
    options = data.pop("options", None)
    for name, value in data.items():
        setattr(product, name, value)
    if options is not None:
        product.option_groups = [
            OptionGroup(name=group["name"], values=list(group["values"]), sort_order=index)
            for index, group in enumerate(options)
        ]


@extend_schema(tags=["catalog"])
class ProductListView(ApiView):
    scope_area = "catalog"

    @extend_schema(
        operation_id="products_list",
        parameters=[
            _param("status", description="Sale status", enum=[c for c, _l in Product.Status.choices]),
            _param("seller_code", description="Exact seller code"),
            _param("updated_since", OpenApiTypes.DATETIME, "Changed at or after"),
        ],
        responses={200: s.ProductOut(many=True), **errors(400)},
    )
    def get(self, request):
        queryset = Product.objects.filter(deleted_at__isnull=True)
        if (value := _choice_param(request, "status", Product.Status.choices)) is not None:
            queryset = queryset.filter(status=value)
        if value := request.query_params.get("seller_code"):
            queryset = queryset.filter(seller_code=value)
        if (value := _datetime_param(request, "updated_since")) is not None:
            queryset = queryset.filter(updated_at__gte=value)
        return _page(self, queryset, s.ProductOut)

    @extend_schema(
        operation_id="products_create",
        request=s.ProductIn,
        parameters=[IDEMPOTENCY],
        responses={201: s.ProductDetailOut, **WRITE_ERRORS},
    )
    def post(self, request):
        data = dict(_validated(s.ProductIn, request))
        product = Product()
        product.option_groups = []
        _apply_product_input(product, data)
        product_create(product=product, user=None)
        return Response(s.ProductDetailOut(_product_detail(product.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["catalog"])
class ProductDetailView(ApiView):
    scope_area = "catalog"

    @extend_schema(operation_id="products_retrieve", responses={200: s.ProductDetailOut, **errors(404)})
    def get(self, request, pk: int):
        return Response(s.ProductDetailOut(_product_detail(pk)).data)

    @extend_schema(
        operation_id="products_update",
        request=s.ProductPatchIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.ProductDetailOut, **WRITE_ERRORS},
    )
    def patch(self, request, pk: int):
        product = _product_detail(pk)
        data = dict(_validated(s.ProductPatchIn, request))
        _apply_product_input(product, data)
        product_update(product=product, user=None)
        return Response(s.ProductDetailOut(_product_detail(pk)).data)


@extend_schema(tags=["catalog"])
class SkuListView(ApiView):
    scope_area = "catalog"

    @extend_schema(
        operation_id="skus_list",
        parameters=[
            _param("product_id", OpenApiTypes.INT),
            _param("seller_code", description="Exact seller code"),
            _param("barcode", description="Exact barcode"),
        ],
        responses={200: s.SkuOut(many=True), **errors(400)},
    )
    def get(self, request):
        queryset = SKU.objects.filter(product__deleted_at__isnull=True)
        if (value := _int_param(request, "product_id")) is not None:
            queryset = queryset.filter(product_id=value)
        if value := request.query_params.get("seller_code"):
            queryset = queryset.filter(seller_code=value)
        if value := request.query_params.get("barcode"):
            queryset = queryset.filter(barcode=value)
        return _page(self, queryset, s.SkuOut)


@extend_schema(tags=["catalog"])
class SkuDetailView(ApiView):
    scope_area = "catalog"

    def _sku(self, pk):
        return get_object_or_404(SKU.objects.filter(product__deleted_at__isnull=True), pk=pk)

    @extend_schema(operation_id="skus_retrieve", responses={200: s.SkuOut, **errors(404)})
    def get(self, request, pk: int):
        return Response(s.SkuOut(self._sku(pk)).data)

    @extend_schema(
        operation_id="skus_update",
        request=s.SkuPatchIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.SkuOut, **WRITE_ERRORS},
    )
    def patch(self, request, pk: int):
        sku = self._sku(pk)
        data = _validated(s.SkuPatchIn, request)
        sku_update(sku=sku, user=None, **SkuEdit(**data).__dict__)
        return Response(s.SkuOut(self._sku(pk)).data)


# Stock ------------------------------------------------------------------------------------------------


@extend_schema(tags=["stock"])
class StockListView(ApiView):
    scope_area = "stock"

    @extend_schema(
        operation_id="stock_list",
        parameters=[
            _param("sku_id", OpenApiTypes.INT),
            _param("seller_code", description="Exact SKU seller code"),
            _param("warehouse_id", OpenApiTypes.INT),
        ],
        responses={200: s.StockLevelOut(many=True), **errors(400)},
    )
    def get(self, request):
        queryset = stock_levels()
        if (value := _int_param(request, "sku_id")) is not None:
            queryset = queryset.filter(sku_id=value)
        if (value := _int_param(request, "warehouse_id")) is not None:
            queryset = queryset.filter(warehouse_id=value)
        if value := request.query_params.get("seller_code"):
            queryset = queryset.filter(sku__seller_code=value)
        return _page(self, queryset, s.StockLevelOut)


def _sku_or_field_error(pk: int, field: str = "sku_id") -> SKU:
    sku = SKU.objects.filter(pk=pk, product__deleted_at__isnull=True).first()
    if sku is None:
        raise ApiError("invalid", _("No such SKU."), fields={field: [_("No such SKU.")]})
    return sku


def _warehouse_or_field_error(pk: int) -> Warehouse:
    warehouse = Warehouse.objects.filter(pk=pk, active=True).first()
    if warehouse is None:
        raise ApiError(
            "invalid", _("No such active warehouse."), fields={"warehouse_id": [_("No such active warehouse.")]}
        )
    return warehouse


@extend_schema(tags=["stock"])
class StockAdjustView(ApiView):
    scope_area = "stock"

    @extend_schema(
        operation_id="stock_adjust",
        description="재고 조정: on hand ± delta with a reason (a count found more or less than the books).",
        request=s.StockAdjustIn,
        parameters=[IDEMPOTENCY],
        responses={201: s.StockMovementOut(many=True), **WRITE_ERRORS},
    )
    def post(self, request):
        data = _validated(s.StockAdjustIn, request)
        movements = stock_adjust(
            sku=_sku_or_field_error(data["sku_id"]),
            warehouse=_warehouse_or_field_error(data["warehouse_id"]),
            delta=data["delta"],
            reason=data["reason"],
            reference=data["reference"],
            user=None,
        )
        return Response(s.StockMovementOut(movements, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["stock"])
class PosSaleView(ApiView):
    scope_area = "stock"

    @extend_schema(
        operation_id="stock_pos_sale",
        description="A sale at a POS or shop counter: the goods leave stock at once (a set SKU takes its "
        "components), recorded with the sales channel and receipt reference. All lines or none.",
        request=s.PosSaleIn,
        parameters=[IDEMPOTENCY],
        responses={201: s.PosSaleOut, **WRITE_ERRORS},
    )
    def post(self, request):
        data = _validated(s.PosSaleIn, request)
        warehouse = _warehouse_or_field_error(data["warehouse_id"]) if "warehouse_id" in data else None
        skus = {line["sku_id"]: None for line in data["lines"]}
        found = SKU.objects.filter(pk__in=skus, product__deleted_at__isnull=True).in_bulk()
        missing = [pk for pk in skus if pk not in found]
        if missing:
            raise ApiError(
                "invalid",
                _("No such SKU."),
                fields={"lines": [_("No such SKU: %(ids)s") % {"ids": ", ".join(map(str, missing))}]},
            )
        movements = []
        with transaction.atomic():
            for line in data["lines"]:
                movements += stock_direct_sale(
                    sku=found[line["sku_id"]],
                    quantity=line["quantity"],
                    channel=data["channel"],
                    reference=data["reference"],
                    warehouse=warehouse,
                    user=None,
                )
        body = {"reference": data["reference"], "movements": movements}
        return Response(s.PosSaleOut(body).data, status=status.HTTP_201_CREATED)


# Orders -----------------------------------------------------------------------------------------------


def _orders():
    return (
        Order.objects.select_related("store")
        .defer("raw")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.defer("raw", "ref").order_by("id"), to_attr="api_lines")
        )
    )


def _order(pk: int) -> Order:
    return get_object_or_404(_orders(), pk=pk)


def _order_lines(order: Order, line_ids: list[int] | None) -> list[OrderLine]:
    lines = list(OrderLine.objects.filter(order=order).select_related("order", "store").order_by("id"))
    if line_ids is None:
        return lines
    by_id = {line.pk: line for line in lines}
    unknown = [pk for pk in line_ids if pk not in by_id]
    if unknown:
        raise ApiError(
            "invalid",
            _("These lines are not in the order."),
            fields={"line_ids": [_("Not in this order: %(ids)s") % {"ids": ", ".join(map(str, unknown))}]},
        )
    return [by_id[pk] for pk in dict.fromkeys(line_ids)]


def _results(results) -> list[dict]:
    return [{"line_id": r.line_id, "ok": r.ok, "code": r.code or "", "message": str(r.message or "")} for r in results]


ORDER_STATES = OrderLine._meta.get_field("state").choices


@extend_schema(tags=["orders"])
class OrderListView(ApiView):
    scope_area = "orders"

    @extend_schema(
        operation_id="orders_list",
        description="Newest first (by id). The cursor stays valid while new orders arrive: they appear before "
        "the first page, never inside a page already fetched.",
        parameters=[
            _param("state", description="Order state", enum=[c for c, _l in ORDER_STATES]),
            _param("store_id", OpenApiTypes.INT),
            _param("channel_order_id", description="Exact channel order number"),
            _param("ordered_from", OpenApiTypes.DATETIME, "Ordered at or after"),
            _param("ordered_to", OpenApiTypes.DATETIME, "Ordered before"),
            _param("updated_since", OpenApiTypes.DATETIME, "Changed at or after"),
        ],
        responses={200: s.OrderOut(many=True), **errors(400)},
    )
    def get(self, request):
        queryset = _orders()
        if (value := _choice_param(request, "state", ORDER_STATES)) is not None:
            queryset = queryset.filter(state=value)
        if (value := _int_param(request, "store_id")) is not None:
            queryset = queryset.filter(store_id=value)
        if value := request.query_params.get("channel_order_id"):
            queryset = queryset.filter(channel_order_id=value)
        if (value := _datetime_param(request, "ordered_from")) is not None:
            queryset = queryset.filter(ordered_at__gte=value)
        if (value := _datetime_param(request, "ordered_to")) is not None:
            queryset = queryset.filter(ordered_at__lt=value)
        if (value := _datetime_param(request, "updated_since")) is not None:
            queryset = queryset.filter(updated_at__gte=value)
        return _page(self, queryset, s.OrderOut)


@extend_schema(tags=["orders"])
class OrderDetailView(ApiView):
    scope_area = "orders"

    @extend_schema(operation_id="orders_retrieve", responses={200: s.OrderOut, **errors(404)})
    def get(self, request, pk: int):
        return Response(s.OrderOut(_order(pk)).data)


class _OrderActionView(ApiView):
    scope_area = "orders"

    def respond(self, pk: int, results) -> Response:
        return Response(s.OrderActionOut({"order": _order(pk), "results": _results(results)}).data)


@extend_schema(tags=["orders"])
class OrderAcknowledgeView(_OrderActionView):
    @extend_schema(
        operation_id="orders_acknowledge",
        description="발주확인 at the channel for the order's lines (or the given ones). Each line has its result; "
        "lines not in a state that allows it are reported, not an error.",
        request=s.AcknowledgeIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.OrderActionOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        order = _order(pk)
        data = _validated(s.AcknowledgeIn, request)
        lines = _order_lines(order, data.get("line_ids"))
        results = order_acknowledge(
            lines=lines,
            user=None,
            expected_ship_date=data.get("expected_ship_date"),
            delay_reason=data["delay_reason"],
            source=API,
        )
        return self.respond(pk, results)


@extend_schema(tags=["orders"])
class OrderCancelView(_OrderActionView):
    @extend_schema(
        operation_id="orders_cancel",
        description="판매취소 at the channel (sold out, delay …) for the order's lines or the given ones.",
        request=s.CancelIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.OrderActionOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        order = _order(pk)
        data = _validated(s.CancelIn, request)
        lines = _order_lines(order, data.get("line_ids"))
        results = order_seller_cancel(lines=lines, reason=data["reason"], detail=data["detail"], user=None, source=API)
        return self.respond(pk, results)


@extend_schema(tags=["orders"])
class OrderInvoiceView(ApiView):
    scope_area = "shipments"
    scope_levels = {"post": "write"}

    @extend_schema(
        operation_id="orders_register_invoice",
        description="송장 등록 for the order's parcel (needs shipments:write). An order in several parcels needs "
        "shipment_id. The invoice is sent to the channel by the shipping desk's send step.",
        request=s.InvoiceIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.ShipmentOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        order = get_object_or_404(Order, pk=pk)
        data = _validated(s.InvoiceIn, request)
        bundle_ids = set(
            OrderLine.objects.filter(order=order, bundle__isnull=False).values_list("bundle_id", flat=True)
        )
        shipments = shipments_for_bundles(bundle_ids=bundle_ids) if bundle_ids else {}
        if "shipment_id" in data:
            shipment = next((sh for sh in shipments.values() if sh.pk == data["shipment_id"]), None)
            if shipment is None:
                raise ApiError(
                    "invalid",
                    _("The shipment is not one of this order's."),
                    fields={"shipment_id": [_("Not a shipment of this order.")]},
                )
        elif len(shipments) == 1:
            (shipment,) = shipments.values()
        elif not shipments:
            raise Conflict("no_shipment", _("The order has no parcel to ship (no open lines)."))
        else:
            raise ApiError(
                "invalid",
                _("The order ships in several parcels: give shipment_id."),
                fields={"shipment_id": [_("Required: the order has several shipments.")]},
            )
        invoice_register(shipment=shipment, courier=data["courier"], tracking_number=data["tracking_number"])
        shipment.refresh_from_db()
        return Response(s.ShipmentOut(shipment).data)


# Shipments --------------------------------------------------------------------------------------------


SHIPMENT_STATES = Shipment._meta.get_field("state").choices


@extend_schema(tags=["shipments"])
class ShipmentListView(ApiView):
    scope_area = "shipments"

    @extend_schema(
        operation_id="shipments_list",
        parameters=[
            _param("state", enum=[c for c, _l in SHIPMENT_STATES]),
            _param("tracking_number", description="Exact tracking number"),
            _param("updated_since", OpenApiTypes.DATETIME, "Changed at or after"),
        ],
        responses={200: s.ShipmentOut(many=True), **errors(400)},
    )
    def get(self, request):
        queryset = Shipment.objects.all()
        if (value := _choice_param(request, "state", SHIPMENT_STATES)) is not None:
            queryset = queryset.filter(state=value)
        if value := request.query_params.get("tracking_number"):
            queryset = queryset.filter(tracking_number=value)
        if (value := _datetime_param(request, "updated_since")) is not None:
            queryset = queryset.filter(updated_at__gte=value)
        return _page(self, queryset, s.ShipmentOut)


@extend_schema(tags=["shipments"])
class ShipmentDetailView(ApiView):
    scope_area = "shipments"

    @extend_schema(operation_id="shipments_retrieve", responses={200: s.ShipmentOut, **errors(404)})
    def get(self, request, pk: int):
        return Response(s.ShipmentOut(get_object_or_404(Shipment, pk=pk)).data)


@extend_schema(tags=["shipments"])
class ShipmentInvoiceView(ApiView):
    scope_area = "shipments"

    @extend_schema(
        operation_id="shipments_register_invoice",
        request=s.ShipmentInvoiceIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.ShipmentOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        shipment = get_object_or_404(Shipment, pk=pk)
        data = _validated(s.ShipmentInvoiceIn, request)
        invoice_register(shipment=shipment, courier=data["courier"], tracking_number=data["tracking_number"])
        shipment.refresh_from_db()
        return Response(s.ShipmentOut(shipment).data)


# Claims -----------------------------------------------------------------------------------------------


CLAIM_TYPES = Claim._meta.get_field("claim_type").choices
CLAIM_STATES = Claim._meta.get_field("state").choices


def _claim(pk: int) -> Claim:
    return get_object_or_404(claims_list(), pk=pk)


@extend_schema(tags=["claims"])
class ClaimListView(ApiView):
    scope_area = "claims"

    @extend_schema(
        operation_id="claims_list",
        parameters=[
            _param("claim_type", enum=[c for c, _l in CLAIM_TYPES]),
            _param("state", enum=[c for c, _l in CLAIM_STATES]),
            _param("store_id", OpenApiTypes.INT),
        ],
        responses={200: s.ClaimOut(many=True), **errors(400)},
    )
    def get(self, request):
        queryset = claims_list(claim_type=_choice_param(request, "claim_type", CLAIM_TYPES)).order_by()
        if (value := _choice_param(request, "state", CLAIM_STATES)) is not None:
            queryset = queryset.filter(state=value)
        if (value := _int_param(request, "store_id")) is not None:
            queryset = queryset.filter(store_id=value)
        return _page(self, queryset, s.ClaimOut)


@extend_schema(tags=["claims"])
class ClaimDetailView(ApiView):
    scope_area = "claims"

    @extend_schema(operation_id="claims_retrieve", responses={200: s.ClaimOut, **errors(404)})
    def get(self, request, pk: int):
        return Response(s.ClaimOut(_claim(pk)).data)


class _ClaimDecisionView(ApiView):
    scope_area = "claims"

    def respond(self, pk: int, result) -> Response:
        body = {"ok": result.ok, "code": result.code or "", "message": str(result.message or ""), "claim": _claim(pk)}
        return Response(s.ClaimDecisionOut(body).data)


@extend_schema(tags=["claims"])
class ClaimApproveView(_ClaimDecisionView):
    @extend_schema(
        operation_id="claims_approve",
        description="승인 at the channel. ok=false carries the channel's code and message.",
        request=s.ClaimApproveIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.ClaimDecisionOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        claim = _claim(pk)
        data = _validated(s.ClaimApproveIn, request)
        result = claim_approve(claim=claim, user=None, **data)
        return self.respond(pk, result)


@extend_schema(tags=["claims"])
class ClaimRejectView(_ClaimDecisionView):
    @extend_schema(
        operation_id="claims_reject",
        description="거부 at the channel with a reason.",
        request=s.ClaimRejectIn,
        parameters=[IDEMPOTENCY],
        responses={200: s.ClaimDecisionOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        claim = _claim(pk)
        data = _validated(s.ClaimRejectIn, request)
        result = claim_reject(claim=claim, user=None, **data)
        return self.respond(pk, result)


# Stores -----------------------------------------------------------------------------------------------


def _store_row(row) -> dict:
    store = row.store
    return {
        "id": store.pk,
        "name": store.name,
        "marketplace": store.marketplace,
        "is_linked": store.is_linked,
        "auth_status": store.auth_status,
        "sync": [
            {
                "kind": k.kind,
                "enabled": k.enabled,
                "running": k.running,
                "last_success_at": k.last_success_at,
                "cursor_at": k.cursor_at,
                "lag_minutes": k.lag_minutes,
                "next_run_at": k.next_run_at,
                "failing": k.failing,
                "last_error": k.last_error or "",
            }
            for k in row.kinds
        ],
    }


class StoreListOut(serializers.Serializer):
    results = s.StoreOut(many=True)


@extend_schema(tags=["stores"])
class StoreListView(ApiView):
    scope_area = "stores"

    @extend_schema(operation_id="stores_list", responses={200: StoreListOut, **errors()})
    def get(self, request):
        rows = [_store_row(row) for row in store_freshness()]
        return Response({"results": s.StoreOut(rows, many=True).data})


@extend_schema(tags=["stores"])
class StoreDetailView(ApiView):
    scope_area = "stores"

    @extend_schema(operation_id="stores_retrieve", responses={200: s.StoreOut, **errors(404)})
    def get(self, request, pk: int):
        row = next((row for row in store_freshness() if row.store.pk == pk), None)
        if row is None:
            raise ApiError("not_found", _("Not found."), status_code=404)
        return Response(s.StoreOut(_store_row(row)).data)


@extend_schema(tags=["stores"])
class StoreCollectView(ApiView):
    scope_area = "stores"

    @extend_schema(
        operation_id="stores_collect",
        description='"Collect now": one queued run per kind (default: orders and claims), run by the worker.',
        request=s.CollectIn,
        parameters=[IDEMPOTENCY],
        responses={202: s.CollectOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        store = get_object_or_404(Store, pk=pk)
        data = _validated(s.CollectIn, request)
        if not store.is_linked:
            raise Conflict("store_not_linked", _("The store is not linked: switch it on first."))
        kinds = list(dict.fromkeys(data.get("kinds") or [SyncKind.ORDERS, SyncKind.CLAIMS]))
        disabled = [kind for kind in kinds if not store.kind_enabled(kind)]
        if disabled:
            raise ApiError(
                "invalid",
                _("Collection of %(kinds)s is off for this store.") % {"kinds": ", ".join(disabled)},
                fields={"kinds": [_("Switched off for this store: %(kinds)s") % {"kinds": ", ".join(disabled)}]},
            )
        runs = sync_request(store=store, kinds=kinds, user=None)
        body = {"runs": [{"id": run.pk, "kind": run.kind, "status": run.status} for run in runs]}
        return Response(s.CollectOut(body).data, status=status.HTTP_202_ACCEPTED)


__all__ = ["extend_schema_view"]
