"""API authentication: personal API keys are for respondents only."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from accounts import two_factor


class RespondentTokenAuthentication(TokenAuthentication):
    """A key is a bearer secret that would skip the second factor, and staff have no use for the
    respondents' API; so a key of a two-factor account authenticates nobody. Staff reach the API
    (as the pages) with a session verified by the code step."""

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, Token]:
        user, token = super().authenticate_credentials(key)
        if two_factor.is_required(user):
            raise AuthenticationFailed(_("API keys work only for respondents' accounts."))
        return user, token
