"""Finds English (or raw codes) a zh-Hans user would read: ASCII-only words in the text of a page.

A page's visible text (and its placeholder / title / aria-label attributes) is cut into words at
spaces, CJK characters and punctuation. A word passes when it holds a digit (document numbers,
dates, amounts, codes such as RM-1001 or WH-RM/RCV), is written in capitals (codes and
abbreviations: QC, HDPE, PK), is in the allowlist (units, brand and product names) or sits in an
element that shows a code on purpose (<code>, <kbd>, <samp>, class "font-monospace", or
`data-code` / `translate="no"`). Everything else that is made of ASCII letters is reported.
"""

import re
from html.parser import HTMLParser

# Units, brand and product names, file types, words a Chinese UI uses as they are.
ALLOWED_WORDS = {
    # units (demo and defaults)
    "kg", "g", "t", "L", "mL", "ml", "m", "cm", "mm", "pcs", "pH", "g/cm", "eq/100g", "mPa",
    "s", "h", "min", "B", "KB", "MB", "GB",
    # products, formats and brands shown by name
    "ERP", "Excel", "API", "PDF", "Django", "Python", "SQLite", "PostgreSQL", "Redis", "huey",
    "huey.SqliteHuey", "huey.RedisHuey", "Chromium", "Bearer", "Ctrl", "Ctrl+S", "Enter",
    "Tab", "Esc", "Alt", "Shift", "xlsx", ".xlsx", "csv", ".csv", "PNG", "JPEG", "SVG",
    "ECharts", "OpenAPI", "UAT", "CSRF", "USCC", "VAT", "Email", "email",
    # the language switcher names the other language in that language
    "English",
}  # fmt: skip

_SPLIT = re.compile(r"[\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef·•—–…“”‘’«»|,;:()\[\]{}<>!?=\"]+")
_HAS_LETTER = re.compile(r"[A-Za-z]")
_HAS_DIGIT = re.compile(r"\d")
_CODE_TAGS = {"code", "kbd", "samp", "pre"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


class _Texts(HTMLParser):
    """Visible text and labelling attributes, minus scripts, styles and code elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = (
            tag in ("script", "style", "template")
            or tag in _CODE_TAGS
            or "font-monospace" in (attrs.get("class") or "").split()
            or "data-code" in attrs
            or attrs.get("translate") == "no"
        )
        if not self._hidden() and not hidden:
            for name in ("placeholder", "title", "aria-label"):
                if attrs.get(name):
                    self.texts.append(attrs[name])
        if tag not in _VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.texts.append(data)


def is_foreign(word: str, allowed: set[str] = frozenset()) -> bool:
    word = word.strip(".'-/+%#*&$@~^`_")
    if not word or not _HAS_LETTER.search(word) or _HAS_DIGIT.search(word):
        return False
    if word in ALLOWED_WORDS or word in allowed:
        return False
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters.isupper():
        return False  # a code or an abbreviation: QC, HDPE, WH-RM/RCV
    return word.isascii()


def foreign_words(html: str, allowed: set[str] = frozenset()) -> set[str]:
    parser = _Texts()
    parser.feed(html)
    parser.close()
    found = set()
    for text in parser.texts:
        for word in _SPLIT.split(text):
            if is_foreign(word, allowed):
                found.add(word)
    return found


def foreign_in_text(text: str, allowed: set[str] = frozenset()) -> set[str]:
    return {w for w in _SPLIT.split(text) if is_foreign(w, allowed)}
