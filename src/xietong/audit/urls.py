from django.urls import path

from . import views

urlpatterns = [
    path("checkpoints/", views.checkpoints, name="audit_checkpoints"),
    path("checkpoints/<int:pk>.json", views.checkpoint_download, name="audit_checkpoint_download"),
    path("public-key.pem", views.public_key_download, name="audit_public_key"),
]
