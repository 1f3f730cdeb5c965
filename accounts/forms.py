from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import lockout


class LoginForm(AuthenticationForm):
    """Django's login form, which says so when the account is locked (the lockout backend
    refuses a locked account without checking its password)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。连续输错5次，账号将被锁定10分钟。"),
        "locked": _("登录失败次数过多，账号已锁定，请10分钟后再试。"),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            username = self.cleaned_data.get("username")
            if username and lockout.is_locked(username):
                raise ValidationError(self.error_messages["locked"], code="locked") from None
            raise
