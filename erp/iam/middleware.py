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
