"""Bearer-token authentication for agency systems."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from safeguarding.access.actions import user_for_api_token
from safeguarding.access.models import User

MISSING_TOKEN_MESSAGE = "Send an API token in the Authorization header: 'Bearer <token>'"
MALFORMED_HEADER_MESSAGE = "The Authorization header must be 'Bearer <token>'"
INVALID_TOKEN_MESSAGE = "The API token is not valid: it is wrong, revoked or expired"


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``, for a token issued to an agency's system.

    Each failure raises with its own message (ninja's default is a bare "Unauthorized"),
    but wrong, revoked and expired tokens share one message: telling them apart would
    help someone holding a stolen token more than it helps an integrator.
    """

    # ninja copies openapi_* attributes into the security scheme, under the names after it.
    openapi_bearerFormat = "opaque token issued by a system administrator"  # noqa: N815 - ninja's name
    openapi_description = (
        "A token issued to an agency's system. It acts with that system account's role "
        "and agency, under the same need-to-know rules as the agency's staff."
    )

    def __call__(self, request: HttpRequest) -> User:
        header = request.headers.get(self.header, "").strip()
        if not header:
            raise AuthenticationError(401, MISSING_TOKEN_MESSAGE)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(401, MALFORMED_HEADER_MESSAGE)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_api_token(token)
        if user is None:
            raise AuthenticationError(401, INVALID_TOKEN_MESSAGE)
        return user


def token_user(request: HttpRequest) -> User:
    """The user the request's token belongs to, set by ApiTokenAuth before any view runs."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError(401, MISSING_TOKEN_MESSAGE)
    return user
