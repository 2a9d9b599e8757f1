"""django-q2 entry points for orders: load, call the service, report."""


def auto_acknowledge(line_ids: list[int]) -> str:
    """Stores set to acknowledge automatically: confirm the new lines just collected."""
    from .actions import order_acknowledge
    from .models import OrderLine
    from .status import OrderState

    lines = list(OrderLine.objects.filter(pk__in=line_ids, state=OrderState.NEW).select_related("order", "store"))
    if not lines:
        return "nothing to acknowledge"
    results = order_acknowledge(lines=lines, user=None, source="system")
    ok = sum(1 for r in results if r.ok)
    return f"acknowledged {ok} of {len(results)}"
