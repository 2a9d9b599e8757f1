"""Input and output serializers of /api/v1/, nested per endpoint (Input* validate, the others render)."""

from rest_framework import serializers

from modules.catalog.models import SKU, Product, SkuStatus
from modules.channels.models import SyncKind
from modules.core.masking import mask_address, mask_name, mask_phone
from modules.orders.actions import SELLER_CANCEL_REASONS
from modules.orders.claims import CLAIM_REJECT_REASONS
from modules.orders.status import OrderState

from .serializers_base import StrictSerializer

# Catalog ----------------------------------------------------------------------------------------------


class SkuOut(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    option_label = serializers.CharField()
    option_values = serializers.ListField(child=serializers.CharField())
    extra_price = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SkuStatus.choices)
    seller_code = serializers.CharField()
    barcode = serializers.CharField()
    updated_at = serializers.DateTimeField()


class OptionGroupOut(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())


class ProductOut(serializers.Serializer):
    id = serializers.IntegerField()
    product_code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    category_id = serializers.IntegerField(allow_null=True)
    seller_code = serializers.CharField()
    model_name = serializers.CharField()
    barcode = serializers.CharField()
    maker = serializers.CharField()
    price = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class ProductDetailOut(ProductOut):
    options = OptionGroupOut(many=True, source="option_groups.all")
    skus = SkuOut(many=True, source="sku_rows")


class OptionGroupIn(StrictSerializer):
    name = serializers.CharField(max_length=25)
    values = serializers.ListField(child=serializers.CharField(max_length=50), min_length=1, max_length=100)


class ProductIn(StrictSerializer):
    name = serializers.CharField(max_length=100)
    category_id = serializers.IntegerField(min_value=1)
    maker = serializers.CharField(max_length=50)
    price = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    status = serializers.ChoiceField(choices=Product.Status.choices, required=False)
    seller_code = serializers.CharField(max_length=50, required=False, allow_blank=True)
    model_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    barcode = serializers.CharField(max_length=50, required=False, allow_blank=True)
    notice_category = serializers.CharField(max_length=32, required=False, allow_blank=True)
    notice_values = serializers.DictField(required=False, child=serializers.JSONField())
    options = OptionGroupIn(many=True, required=False, max_length=3)


class ProductPatchIn(ProductIn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class SkuPatchIn(StrictSerializer):
    extra_price = serializers.IntegerField(required=False, min_value=-100_000_000, max_value=100_000_000)
    status = serializers.ChoiceField(choices=SkuStatus.choices, required=False)
    seller_code = serializers.CharField(max_length=50, required=False, allow_blank=True)
    barcode = serializers.CharField(max_length=50, required=False, allow_blank=True)


# Stock ------------------------------------------------------------------------------------------------


class StockLevelOut(serializers.Serializer):
    sku_id = serializers.IntegerField()
    seller_code = serializers.CharField(source="sku.seller_code")
    warehouse_id = serializers.IntegerField()
    warehouse_name = serializers.CharField(source="warehouse.name")
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField(source="available_qty")
    expected = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class StockMovementOut(serializers.Serializer):
    id = serializers.IntegerField()
    sku_id = serializers.IntegerField()
    warehouse_id = serializers.IntegerField()
    kind = serializers.CharField()
    on_hand_delta = serializers.IntegerField()
    on_hand_after = serializers.IntegerField()
    reserved_after = serializers.IntegerField()
    reason = serializers.CharField()
    reference = serializers.CharField()
    created_at = serializers.DateTimeField()


class StockAdjustIn(StrictSerializer):
    sku_id = serializers.IntegerField(min_value=1)
    warehouse_id = serializers.IntegerField(min_value=1)
    delta = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000)
    reason = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_delta(self, value):
        if value == 0:
            raise serializers.ValidationError("0")
        return value


class PosSaleLineIn(StrictSerializer):
    sku_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)


class PosSaleIn(StrictSerializer):
    reference = serializers.CharField(max_length=200, help_text="The POS receipt number.")
    channel = serializers.CharField(max_length=100, required=False, default="POS", help_text="Sales channel name.")
    warehouse_id = serializers.IntegerField(min_value=1, required=False)
    lines = PosSaleLineIn(many=True, min_length=1, max_length=100)


class PosSaleOut(serializers.Serializer):
    reference = serializers.CharField()
    movements = StockMovementOut(many=True)


# Orders -----------------------------------------------------------------------------------------------


class StoreRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    marketplace = serializers.CharField()


class OrderLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    channel_line_id = serializers.CharField()
    product_name = serializers.CharField()
    option_name = serializers.CharField()
    seller_code = serializers.CharField()
    sku_id = serializers.IntegerField(allow_null=True)
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField()
    line_amount = serializers.IntegerField()
    state = serializers.ChoiceField(choices=OrderState.choices)
    courier = serializers.CharField()
    tracking_number = serializers.CharField()
    bundle_id = serializers.IntegerField(allow_null=True)


class ReceiverOut(serializers.Serializer):
    """Masked like the admin's lists: names, phones and the address detail are never sent in full."""

    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    zip_code = serializers.CharField()
    address = serializers.SerializerMethodField()

    def get_name(self, order) -> str:
        return mask_name(order.receiver_name)

    def get_phone(self, order) -> str:
        return mask_phone(order.receiver_phone1)

    def get_address(self, order) -> str:
        return mask_address(order.address1, order.address2)


class OrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    store = StoreRefOut()
    channel_order_id = serializers.CharField()
    ordered_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=OrderState.choices)
    total_amount = serializers.IntegerField()
    shipping_fee = serializers.IntegerField()
    receiver = ReceiverOut(source="*")
    lines = OrderLineOut(many=True, source="api_lines")
    collected_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class LineResultOut(serializers.Serializer):
    line_id = serializers.IntegerField()
    ok = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()


class OrderActionOut(serializers.Serializer):
    order = OrderOut()
    results = LineResultOut(many=True)


class AcknowledgeIn(StrictSerializer):
    line_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=500)
    expected_ship_date = serializers.DateField(required=False)
    delay_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CancelIn(StrictSerializer):
    line_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=500)
    reason = serializers.ChoiceField(choices=list(SELLER_CANCEL_REASONS))
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InvoiceIn(StrictSerializer):
    courier = serializers.CharField(max_length=20)
    tracking_number = serializers.CharField(max_length=40)
    shipment_id = serializers.IntegerField(
        min_value=1, required=False, help_text="Needed when the order ships in more than one parcel."
    )


# Shipments --------------------------------------------------------------------------------------------


class ShipmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    bundle_id = serializers.IntegerField(allow_null=True)
    warehouse_id = serializers.IntegerField(allow_null=True)
    courier = serializers.CharField()
    tracking_number = serializers.CharField()
    state = serializers.CharField()
    registered_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    send_code = serializers.CharField()
    send_message = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ShipmentInvoiceIn(StrictSerializer):
    courier = serializers.CharField(max_length=20)
    tracking_number = serializers.CharField(max_length=40)


# Claims -----------------------------------------------------------------------------------------------


class ClaimOut(serializers.Serializer):
    id = serializers.IntegerField()
    store = StoreRefOut()
    channel_claim_id = serializers.CharField()
    claim_type = serializers.CharField()
    state = serializers.CharField()
    channel_order_id = serializers.CharField()
    order_id = serializers.IntegerField(source="order_pk", allow_null=True)
    quantity = serializers.IntegerField()
    reason = serializers.CharField()
    requested_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    push_code = serializers.CharField()
    push_message = serializers.CharField()


class ClaimDecisionOut(serializers.Serializer):
    ok = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()
    claim = ClaimOut()


class ClaimApproveIn(StrictSerializer):
    courier = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ClaimRejectIn(ClaimApproveIn):
    reason = serializers.ChoiceField(choices=list(CLAIM_REJECT_REASONS))
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# Stores -----------------------------------------------------------------------------------------------


class SyncKindOut(serializers.Serializer):
    kind = serializers.CharField()
    enabled = serializers.BooleanField()
    running = serializers.BooleanField()
    last_success_at = serializers.DateTimeField(allow_null=True)
    cursor_at = serializers.DateTimeField(allow_null=True)
    lag_minutes = serializers.IntegerField(allow_null=True)
    next_run_at = serializers.DateTimeField(allow_null=True)
    failing = serializers.BooleanField()
    last_error = serializers.CharField()


class StoreOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    marketplace = serializers.CharField()
    is_linked = serializers.BooleanField()
    auth_status = serializers.CharField()
    sync = SyncKindOut(many=True)


class CollectIn(StrictSerializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=SyncKind.choices), required=False, min_length=1, max_length=10
    )


class SyncRunOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()


class CollectOut(serializers.Serializer):
    runs = SyncRunOut(many=True)


__all__ = ["SKU"]
