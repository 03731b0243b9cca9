"""`erp demo`: load the demo company into the configured database (an empty one only)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from erp.core.demo import demo_is_loaded, demo_load, demo_refusal

from ._demo_table import demo_logins_table


class Command(BaseCommand):
    help = "Load the demo company (one user per role) into an empty database."

    def handle(self, *args, **options):
        refusal = bilingual(demo_refusal)
        if refusal:
            raise CommandError(refusal)
        already = demo_is_loaded()
        logins = demo_load()
        if already:
            self.stdout.write("The demo company is already loaded. / 演示公司已加载。")
        else:
            self.stdout.write(self.style.SUCCESS("Demo company loaded. / 演示公司已加载。"))
        self.stdout.write(demo_logins_table(logins))


def bilingual(fn) -> str | None:
    """The same message in Chinese and English (commands are read by people of either)."""
    texts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text = fn()
        if text is None:
            return None
        texts.append(text)
    return "\n".join(dict.fromkeys(texts))
