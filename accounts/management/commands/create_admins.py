"""Create the three administrator accounts of separation of duties (三权分立)."""

import secrets
import string

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role

ACCOUNTS = (
    ("admin", Role.ADMIN, "系统管理员"),
    ("security_admin", Role.SECURITY_ADMIN, "安全管理员"),
    ("auditor", Role.AUDITOR, "审计管理员"),
)


def temporary_password() -> str:
    """16 characters with every class, so it passes the password rules; changed at first login."""
    alphabet = string.ascii_letters + string.digits + "-_#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        classes = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_#%"]
        if all(any(ch in chars for ch in candidate) for chars in classes):
            return candidate


class Command(BaseCommand):
    help = (
        "Create the system admin, security admin and audit admin accounts, each with a temporary "
        "password to change at first login and a second factor to enrol."
    )

    def add_arguments(self, parser):
        for option, _role, label in ACCOUNTS:
            parser.add_argument(
                f"--{option.replace('_', '-')}",
                dest=option,
                default=f"{option}1",
                help=f"login name of the {label} (default {option}1)",
            )

    @transaction.atomic
    def handle(self, *args, **options):
        taken = [
            options[o]
            for o, _r, _l in ACCOUNTS
            if User.objects.filter(username=options[o]).exists()
        ]
        if taken:
            raise CommandError(f"登录名已存在：{', '.join(taken)}；未创建任何账号。")
        if len({options[o] for o, _r, _l in ACCOUNTS}) != len(ACCOUNTS):
            raise CommandError("三个管理员须使用三个不同的账号（三权分立）。")
        for option, role, label in ACCOUNTS:
            password = temporary_password()
            user = User.objects.create_user(
                username=options[option],
                password=password,
                display_name=label,
                is_staff=(role == Role.ADMIN),
                must_change_password=True,
            )
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            self.stdout.write(f"{label}\t{user.username}\t临时密码 {password}")
        self.stdout.write("首次登录须修改密码并绑定动态口令。")
