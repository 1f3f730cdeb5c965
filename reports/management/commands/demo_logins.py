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
        self.stdout.write(
            "\n接口（/api/v1/docs）：系统管理员在 系统管理 › 接口客户端 查看演示客户端"
            "“12345热线（演示）”及其回调投递记录；令牌只在创建时显示一次，"
            "可用 python manage.py create_api_client 名称 --scopes tickets:read --area 单位代码 "
            "新建一个。"
        )
        self.stdout.write("")
        for line in demo_portal.login_lines():
            self.stdout.write(line)
        self.stdout.write("")
