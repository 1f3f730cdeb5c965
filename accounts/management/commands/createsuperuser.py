from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Disabled: a superuser bypasses separation of duties. Use create_admins."

    def add_arguments(self, parser):
        # Accept what deployment scripts pass to Django's createsuperuser, so they fail with the
        # message below rather than with an argument error.
        parser.add_argument("--noinput", "--no-input", action="store_true")
        for option in ("--username", "--email", "--database"):
            parser.add_argument(option)

    def handle(self, *args, **options):
        raise CommandError(
            "createsuperuser 已停用（三权分立）：请使用 `python manage.py create_admins` "
            "创建系统管理员、安全管理员和审计管理员。"
        )
