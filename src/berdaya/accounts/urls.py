from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("token/<int:token_id>/cabut/", views.token_revoke, name="token-revoke"),
    path("dua-langkah/atur/", views.otp_setup, name="otp-setup"),
    path("dua-langkah/", views.otp_verify, name="otp-verify"),
    path("dua-langkah/kode-cadangan/", views.recovery_codes, name="recovery-codes"),
    path("dua-langkah/matikan/", views.otp_turn_off, name="otp-off"),
]
