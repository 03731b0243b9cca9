"""Errors of backup, restore and the drill. Messages are bilingual in the command line (the
operator may not have chosen a language yet) through the usual translation catalogue."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from erp.core.errors import BusinessRuleError, Conflict


class BackupFailed(BusinessRuleError):
    code = "backup_failed"
    default_message = _(
        "The backup failed. The previous backups are untouched; see the message and try again."
    )


class ArchiveCorrupt(BusinessRuleError):
    code = "archive_corrupt"
    default_message = _(
        "The backup archive is damaged or incomplete. Use another backup; do not restore this one."
    )


class RestoreIncompatible(BusinessRuleError):
    code = "restore_incompatible"


class TargetNotEmpty(Conflict):
    code = "restore_target_not_empty"
    default_message = _(
        "The target database already holds data. Restore into a new instance, or repeat with "
        "--force to replace everything in it."
    )


def bilingual(template, **params) -> str:
    """The message in Chinese and English: backup and restore run from the command line and in
    the worker, where nobody chose a language, and the operator may read either."""
    texts = []
    for language in ("zh-hans", "en"):
        with override(language):
            texts.append(str(template) % params if params else str(template))
    return texts[0] if texts[0] == texts[1] else " / ".join(texts)


class ToolFailed(BusinessRuleError):
    """pg_dump, pg_restore or the drill's subprocess ended with an error."""

    code = "ops_tool_failed"
