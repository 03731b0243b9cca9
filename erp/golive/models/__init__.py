from .imports import ImportLock, ImportLog

__all__ = ["ImportLock", "ImportLog"]
