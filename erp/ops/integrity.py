"""`erp check database_integrity`: the storage itself is sound (runs in every restore drill)."""

from erp.core.integrity import integrity_check
from erp.ops.health import database_integrity


@integrity_check("database_integrity")
def database_integrity_check() -> list[str]:
    return database_integrity()
