from django.core.management.base import BaseCommand

from erp.iam.services.roles import roles_sync


class Command(BaseCommand):
    help = "Apply erp/iam/roles.toml (roles and their permissions) to the database."

    def handle(self, *args, **options):
        roles = roles_sync()
        for role in roles:
            count = role.group.permissions.count()
            self.stdout.write(f"{role.code:20} {role.name:8} {count:4d} permissions")
