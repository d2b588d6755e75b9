from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("token/<int:token_id>/cabut/", views.token_revoke, name="token-revoke"),
]
