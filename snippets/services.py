"""Templates pulled from a store, and pushed back when edited here."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from integrations.channels.base import Address, ChannelError, ChannelTemplate, TemplateKind
from modules.core.upsert import upsert_by_key
from modules.orders.services import CollectResult

from .models import AddressTemplate, ChannelTemplateBase, DeliveryTemplate, DispatchDeadlineTemplate


def _address_row(template: ChannelTemplate) -> dict:
    address = template.address or Address()
    return {
        "channel_template_id": template.template_id,
        "name": template.name[:100],
        "overseas": template.overseas,
        "zip_code": address.zip_code[:10],
        "address1": address.address1[:300],
        "address2": address.address2[:300],
        "country": str(template.fields.get("country", ""))[:60],
        "city": str(template.fields.get("city", ""))[:100],
        "state": str(template.fields.get("state", ""))[:100],
        "contact_name": address.name[:50],
        "phone1": address.phone1[:30],
        "phone2": address.phone2[:30],
        "push_state": ChannelTemplateBase.PushState.PULLED,
        "raw": template.raw,
    }


def _dispatch_row(template: ChannelTemplate) -> dict:
    return {
        "channel_template_id": template.template_id,
        "name": template.name[:100],
        "dispatch_days": int(template.fields.get("dispatch_days") or 1),
        "cutoff_time": template.fields.get("cutoff_time") or None,
        "push_state": ChannelTemplateBase.PushState.PULLED,
        "raw": template.raw,
    }


def _delivery_row(template: ChannelTemplate) -> dict:
    fields = template.fields
    return {
        "channel_template_id": template.template_id,
        "name": template.name[:100],
        "fee_type": fields.get("fee_type", DeliveryTemplate.FeeType.FIXED),
        "base_fee": int(fields.get("base_fee") or 0),
        "free_over": fields.get("free_over"),
        "jeju_extra_fee": int(fields.get("jeju_extra_fee") or 0),
        "remote_extra_fee": int(fields.get("remote_extra_fee") or 0),
        "return_fee": int(fields.get("return_fee") or 0),
        "push_state": ChannelTemplateBase.PushState.PULLED,
        "raw": template.raw,
    }


def templates_collect(*, store, templates: list[ChannelTemplate]) -> CollectResult:
    """Upsert pulled templates by (store, [address type,] channel template id)."""
    result = CollectResult(fetched=len(templates))
    groups: dict[tuple, list[dict]] = {}
    for template in templates:
        if not template.template_id:
            continue
        if template.kind in (TemplateKind.OUTBOUND_ADDRESS, TemplateKind.RETURN_ADDRESS):
            key = (AddressTemplate, template.kind.value)
            groups.setdefault(key, []).append(_address_row(template))
        elif template.kind == TemplateKind.DISPATCH_DEADLINE:
            groups.setdefault((DispatchDeadlineTemplate, None), []).append(_dispatch_row(template))
        else:
            groups.setdefault((DeliveryTemplate, None), []).append(_delivery_row(template))
    with transaction.atomic():
        for (model, address_type), rows in groups.items():
            scope = {"store_id": store.pk}
            if address_type:
                scope["address_type"] = address_type
            upserted = upsert_by_key(model, scope=scope, key_field="channel_template_id", rows=rows)
            result.created += upserted.created
            result.updated += upserted.updated
            result.unchanged += upserted.unchanged
    return result


def channel_template_from(template: ChannelTemplateBase) -> ChannelTemplate:
    if isinstance(template, AddressTemplate):
        return ChannelTemplate(
            kind=TemplateKind(template.address_type),
            name=template.name,
            template_id=template.channel_template_id,
            overseas=template.overseas,
            address=Address(
                name=template.contact_name,
                phone1=template.phone1,
                phone2=template.phone2,
                zip_code=template.zip_code,
                address1=template.address1,
                address2=template.address2,
            ),
            fields={"country": template.country, "city": template.city, "state": template.state},
            raw=template.raw,
        )
    if isinstance(template, DispatchDeadlineTemplate):
        return ChannelTemplate(
            kind=TemplateKind.DISPATCH_DEADLINE,
            name=template.name,
            template_id=template.channel_template_id,
            fields={
                "dispatch_days": template.dispatch_days,
                "cutoff_time": template.cutoff_time.strftime("%H:%M") if template.cutoff_time else "",
                "memo": template.memo,
            },
            raw=template.raw,
        )
    return ChannelTemplate(
        kind=TemplateKind.DELIVERY,
        name=template.name,
        template_id=template.channel_template_id,
        fields={
            "fee_type": template.fee_type,
            "base_fee": template.base_fee,
            "free_over": template.free_over,
            "jeju_extra_fee": template.jeju_extra_fee,
            "remote_extra_fee": template.remote_extra_fee,
            "return_fee": template.return_fee,
        },
        raw=template.raw,
    )


def template_push(*, template: ChannelTemplateBase) -> ChannelTemplateBase:
    """Send the template to its store; the result (new id, state, error) is kept on the row."""
    from modules.channels.adapters import adapter_for_store

    adapter = adapter_for_store(template.store)
    try:
        result = adapter.push_template(channel_template_from(template))
        ok, message = result.ok, result.message
        new_id = str(result.data.get("template_id") or result.key or template.channel_template_id)
    except ChannelError as exc:
        ok, message, new_id = False, exc.message, template.channel_template_id
    finally:
        adapter.close()
    template.push_state = ChannelTemplateBase.PushState.PUSHED if ok else ChannelTemplateBase.PushState.FAILED
    template.push_error = "" if ok else message[:500]
    if ok:
        template.pushed_at = timezone.now()
        template.channel_template_id = new_id
    template.save(update_fields=["push_state", "push_error", "pushed_at", "channel_template_id", "updated_at"])
    return template
