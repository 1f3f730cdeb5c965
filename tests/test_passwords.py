"""Password rules: 8+ characters of 3 classes, none of the last 3 reused (MLPS 2.0 level 3)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import character_classes


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcdEFGH", 2), ("abcdEF12", 3), ("abC1-xyz", 4), ("密码abc1", 3)],
)
def test_character_classes_counts_each_kind_once(password, classes):
    assert character_classes(password) == classes


@pytest.mark.parametrize("password", ["Ab1-", "abcdefgh1", "ABCDEFGH-", "abcdefghijkl"])
def test_simple_passwords_are_refused_with_a_chinese_reason(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert "至少8位" in " ".join(exc.value.messages)


@pytest.mark.parametrize("password", ["Zhejiang-2026", "abcD1234x", "qwer!@#$5678"])
def test_passwords_of_three_classes_pass(password):
    validate_password(password)


@pytest.mark.django_db
def test_the_last_three_passwords_cannot_be_reused(f):
    user = f.make_user("cadre")  # created with f.PASSWORD
    for new in ["Second-pass-1", "Third-pass-2"]:
        validate_password(new, user)
        user.set_password(new)
        user.save()
    for old in [f.PASSWORD, "Second-pass-1", "Third-pass-2"]:
        with pytest.raises(ValidationError) as exc:
            validate_password(old, user)
        assert "最近3次" in exc.value.messages[0]
    user.set_password("Fourth-pass-3")
    user.save()
    # The first password has now left the window of three.
    validate_password(f.PASSWORD, user)
    user.refresh_from_db()
    assert user.password_changed_at is not None
    assert user.password_history.count() == 3  # the three it replaced
