from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import lockout


class LoginForm(AuthenticationForm):
    """Django's login form, which says so when the account or the client's address is locked
    (the lockout backend refuses them without checking the password)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。连续输错5次，账号将被锁定10分钟。"),
        "locked": _("登录失败次数过多，账号已锁定，请10分钟后再试。"),
        "ip_locked": _("您所在网络地址的登录失败次数过多，已暂停从该地址登录，请10分钟后再试。"),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            reason = lockout.lock_reason(self.cleaned_data.get("username", ""), self.request)
            if reason == lockout.BY_ACCOUNT:
                raise ValidationError(self.error_messages["locked"], code="locked") from None
            if reason == lockout.BY_IP:
                raise ValidationError(self.error_messages["ip_locked"], code="ip_locked") from None
            raise
