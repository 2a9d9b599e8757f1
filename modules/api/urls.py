from django.urls import path, re_path

from . import views

app_name = "api_v1"

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="products"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product"),
    path("skus/", views.SkuListView.as_view(), name="skus"),
    path("skus/<int:pk>/", views.SkuDetailView.as_view(), name="sku"),
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("stock/adjustments/", views.StockAdjustView.as_view(), name="stock-adjust"),
    path("stock/pos-sales/", views.PosSaleView.as_view(), name="pos-sale"),
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order"),
    path("orders/<int:pk>/acknowledge/", views.OrderAcknowledgeView.as_view(), name="order-acknowledge"),
    path("orders/<int:pk>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<int:pk>/invoice/", views.OrderInvoiceView.as_view(), name="order-invoice"),
    path("shipments/", views.ShipmentListView.as_view(), name="shipments"),
    path("shipments/<int:pk>/", views.ShipmentDetailView.as_view(), name="shipment"),
    path("shipments/<int:pk>/invoice/", views.ShipmentInvoiceView.as_view(), name="shipment-invoice"),
    path("claims/", views.ClaimListView.as_view(), name="claims"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim"),
    path("claims/<int:pk>/approve/", views.ClaimApproveView.as_view(), name="claim-approve"),
    path("claims/<int:pk>/reject/", views.ClaimRejectView.as_view(), name="claim-reject"),
    path("stores/", views.StoreListView.as_view(), name="stores"),
    path("stores/<int:pk>/", views.StoreDetailView.as_view(), name="store"),
    path("stores/<int:pk>/collect/", views.StoreCollectView.as_view(), name="store-collect"),
    # Anything else under /api/v1/ (e.g. /orders/-1/) answers in the envelope, not Django's HTML 404.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
