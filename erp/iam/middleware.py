from django.conf import settings
from django.utils import translation

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


class UserLanguageMiddleware:
    """Chinese unless the user chose otherwise: the user's saved language when logged in, else
    the language cookie, else zh-Hans. The browser's Accept-Language is ignored on purpose, so
    a Chinese office sees Chinese even on an English browser."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = settings.LANGUAGE_CODE
        if user is not None and user.is_authenticated and user.language in self.codes:
            language = user.language
        elif request.COOKIES.get(LANGUAGE_COOKIE) in self.codes:
            language = request.COOKIES[LANGUAGE_COOKIE]
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PasswordChangeRequiredMiddleware:
    """A user whose password an administrator set (new user, reset) must choose their own
    before anything else: every page but the password change, logout and language switch
    leads there. API calls answer 403 with the same instruction."""

    ALLOWED = ("iam:password_change", "iam:logout", "iam:language_set")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            blocked = self._blocked(request)
            if blocked is not None:
                return blocked
        return self.get_response(request)

    def _blocked(self, request):
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.urls import reverse

        from erp.iam.errors import PasswordChangeRequired

        allowed = {reverse(name) for name in self.ALLOWED}
        path = request.path_info
        if path in allowed or path.startswith(settings.STATIC_URL or "/static/"):
            return None
        if path.startswith("/api/"):
            error = PasswordChangeRequired()
            return JsonResponse(error.as_dict(), status=error.status)
        return redirect(reverse("iam:password_change") + "?first=1")
