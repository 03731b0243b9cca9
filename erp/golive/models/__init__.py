from .cutover import ChecklistMark, CutOver, SetupToken
from .imports import ImportLock, ImportLog

__all__ = ["ChecklistMark", "CutOver", "ImportLock", "ImportLog", "SetupToken"]
