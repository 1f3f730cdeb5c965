from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from issues import demo_portal
from reports.demo_logins import DEMO_LOGINS, login_table


class Command(BaseCommand):
    help = "Print the demo logins that seed_demo created, by role and level, with what each shows."

    def handle(self, *args, **options):
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=[login.username for login in DEMO_LOGINS]
            ).select_related("home_unit", "jurisdiction_unit")
        }
        if not users:
            self.stdout.write("没有演示账号：请先运行 python manage.py seed_demo。")
            return
        self.stdout.write(
            f"\n演示账号（密码均为 {DEMO_PASSWORD}），访问 http://127.0.0.1:8000/ 登录：\n"
        )
        for line in login_table(users):
            self.stdout.write(line)
        self.stdout.write("")
        for line in demo_portal.login_lines():
            self.stdout.write(line)
        self.stdout.write("")
