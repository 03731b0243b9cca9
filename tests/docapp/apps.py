from django.apps import AppConfig


class DocAppConfig(AppConfig):
    """A small document type used only by core's tests of transitions and numbering. It has no
    migrations: the test database creates its tables with run_syncdb."""

    name = "tests.docapp"
    label = "docapp"
    default_auto_field = "django.db.models.BigAutoField"
