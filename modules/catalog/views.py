"""Admin views beyond the viewsets: restore a soft-deleted product."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from modules.accounts.areas import user_has_area_right

from .models import Product
from .services import product_restore


def restore_product(request, product_id: int):
    if not user_has_area_right(request.user, "products", "edit"):
        raise PermissionDenied
    product = get_object_or_404(Product, pk=product_id)
    index_url = reverse("catalog_products:index")
    if product.deleted_at is None:
        return redirect(index_url)
    if request.method == "POST":
        product_restore(product=product, user=request.user)
        messages.success(request, _("Product “%(name)s” restored.") % {"name": product.name})
        return redirect(reverse("catalog_products:edit", args=[product.pk]))
    return render(
        request, "catalog/product_restore.html", {"product": product, "cancel_url": f"{index_url}?deleted=only"}
    )
