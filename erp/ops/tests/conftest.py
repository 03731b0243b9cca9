import pytest


@pytest.fixture
def backup_dir(tmp_path, settings):
    """Backups of a test go to its own directory, uploads to its own media root."""
    settings.ERP_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "company").mkdir(parents=True)
    (tmp_path / "media" / "company" / "logo.png").write_bytes(b"\x89PNG fake logo")
    return tmp_path / "backups"


@pytest.fixture
def mail_admin(db, settings):
    from erp.ops.models import ScheduleSettings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ScheduleSettings.objects.update_or_create(pk=1, defaults={"admin_email": "it@example.cn"})
    return "it@example.cn"
