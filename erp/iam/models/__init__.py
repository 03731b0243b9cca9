from .department import Department
from .role import Role
from .token import ApiToken
from .user import User

__all__ = ["ApiToken", "Department", "Role", "User"]
