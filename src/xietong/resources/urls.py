from django.urls import path

from . import views, views_flows, views_metadata, views_search

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    path("search/", views_search.search_page, name="resource_search"),
    path("search/unmet/", views_search.unmet_page, name="resource_search_unmet"),
    path("upload/", views.upload, name="resource_upload"),
    path("import/", views_metadata.import_page, name="resource_metadata_import"),
    path("export.<str:fmt>", views_metadata.export, name="resource_metadata_export"),
    path("collection/", views.collection, name="resource_collection"),
    path("flows/", views_flows.flows_page, name="resource_flows"),
    path("review/", views.review_queue, name="resource_review_queue"),
    path("<uuid:pk>/", views.resource_detail, name="resource_detail"),
    path("<uuid:pk>/file", views.resource_file, name="resource_file"),
    path("<uuid:pk>/preview.pdf", views.resource_preview, name="resource_preview"),
    path("<uuid:pk>/submit/", views.submit, name="resource_submit"),
    path("<uuid:pk>/approve/", views.approve, name="resource_approve"),
    path("<uuid:pk>/reject/", views.reject, name="resource_reject"),
    path("<uuid:pk>/withdraw/", views.withdraw, name="resource_withdraw"),
    path("<uuid:pk>/lineage/", views_flows.lineage_page, name="resource_lineage"),
    path("<uuid:pk>/rate/", views_flows.rate, name="resource_rate"),
    path("<uuid:pk>/import/", views.import_, name="resource_import"),
]
