"""Print the demo logins as a table (used by `erp demo`, `erp setup` and `erp run-all`)."""

from erp.core.demo import DemoLogin


def demo_logins_table(logins: list[DemoLogin]) -> str:
    if not logins:
        return ""
    rows = [("角色 Role", "用户名 User name", "姓名 Name", "密码 Password")]
    rows += [(d.role_name, d.username, d.full_name, d.password) for d in logins]
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
