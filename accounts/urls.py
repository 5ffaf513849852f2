from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.forms import EmailAuthenticationForm
from accounts.views import two_factor as two_factor_views
from accounts.views.api_token import api_token
from accounts.views.password_reset import PasswordResetView

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tvastegsverifiering/", two_factor_views.verify, name="two-factor-verify"),
    path("tvastegsverifiering/reservkod/", two_factor_views.recovery, name="two-factor-recovery"),
    path("tvastegsverifiering/ny-app/", two_factor_views.setup, name="two-factor-setup"),
    path("tvastegsverifiering/ny-app/lank/", two_factor_views.send_link, name="two-factor-send-link"),
    path("tvastegsverifiering/ny-app/<uidb64>/<token>/", two_factor_views.enrol, name="two-factor-enrol"),
    path("tvastegsinloggning/", two_factor_views.overview, name="two-factor-overview"),
    path("api-nyckel/", api_token, name="api-token"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        PasswordResetView.as_view(
            subject_template_name="emails/password_reset_subject.txt",
            email_template_name="emails/password_reset_body.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
