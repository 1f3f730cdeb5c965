from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from reports.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins that seed_demo created, with their password and what each shows."

    def handle(self, *args, **options):
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[n for n, _r, _d in DEMO_LOGINS])
        }
        if not users:
            self.stdout.write("没有演示账号：请先运行 python manage.py seed_demo。")
            return
        self.stdout.write(
            f"\n演示账号（密码均为 {DEMO_PASSWORD}），访问 http://127.0.0.1:8000/ 登录：\n"
        )
        for username, role, description in DEMO_LOGINS:
            user = users.get(username)
            if user is None:
                continue
            unit = user.jurisdiction_unit or user.home_unit or ""
            self.stdout.write(f"  {username:<18} {role.label:<8} {str(unit):<14} {description}")
        self.stdout.write("")
