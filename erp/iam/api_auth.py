"""Bearer-token authentication for the API: `Authorization: Bearer <token>`.

Listed before SessionAuth in erp/core/api.py: ninja's SessionAuth runs the CSRF check on every
unsafe request, which a token client (no cookies) would fail. A request that sends a Bearer
header is judged by its token alone; a wrong, revoked or expired token is a 401, never a
fallback to the session. A revoked or expired token raises its own error (see
erp/iam/services/tokens.py), so the 401 says why and what to do."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from erp.iam.services.tokens import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_authenticate(secret=token)
        if user is None:
            raise AuthenticationError()
        # Endpoints and services may read request.user as in the UI.
        request.user = user
        return user


# Ninja's own pages (schema, docs) stay behind the login like the rest of the UI.
_UI_PAGES = {"openapi-json", "openapi-view", "api-root"}


def login_redirect_exempt(urls: tuple) -> tuple:
    """Mark the API's endpoints for Django's LoginRequiredMiddleware as handling their own
    authentication: it would answer a token client (no session) with a redirect to the login
    page, where the API must answer 401 JSON. Wraps `api.urls` in config/urls.py."""
    patterns, _app_name, _namespace = urls
    for pattern in patterns:
        if pattern.name not in _UI_PAGES:
            pattern.callback.login_required = False
    return urls
