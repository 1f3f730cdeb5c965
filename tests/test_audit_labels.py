"""Every action the code writes to the audit trail has words (accounts.audit_labels): a new
audit.record("...") without a label fails here, before an auditor meets its code."""

import re
from pathlib import Path

import pytest

from accounts import audit_labels, lockout
from accounts.models import AuditEntry
from issues import portal_otp
from issues.workflow import TRANSITIONS
from pairing import people_import_views
from reports import cases

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "enterprises", "pairing", "issues", "reports")
# A literal first argument of audit.record / record_many, or the action an import's confirmation
# or cancellation passes on to it (enterprises.import_confirmation).
WRITTEN = re.compile(
    r'audit\.record(?:_many)?\(\s*"([a-z_]+)"|action="([a-z_]+_(?:confirm|cancel))"'
)


def written_actions() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= {a or b for a, b in WRITTEN.findall(path.read_text())}
    return found


def test_every_action_written_has_a_label():
    written = written_actions() | {"otp_enrolled", "otp_verified", cases.MARKED, cases.UNMARKED}
    written |= {lockout.LOGIN, lockout.LOGIN_FAILED, lockout.LOGIN_LOCKED}
    written |= {lockout.ACCOUNT_LOCKED, lockout.IP_LOCKED}
    written |= {f"ticket_{action}" for action in TRANSITIONS}
    written |= {portal_otp.SENT, portal_otp.REFUSED, portal_otp.FAILED, portal_otp.SIGNED_IN}
    written |= {"api_get", "api_post"}  # pairing.api: api_<method> of each call
    kinds = (people_import_views.UNITS, people_import_views.CADRES, people_import_views.PAIRINGS)
    for kind in kinds:
        written |= {f"{kind.url}_confirm", f"{kind.url}_cancel"}
    assert len(written) > 40  # the scan found the calls
    assert sorted(written - set(audit_labels.ACTIONS)) == []


@pytest.mark.parametrize(
    ("field", "code", "label"),
    [
        ("action", "otp_verified", "动态口令验证"),
        ("action", "ticket_accept", "难题签收"),
        ("action", "brand_new_action", "其他操作（brand_new_action）"),
        ("roles", "auditor,security_admin", "审计管理员、安全管理员"),
        ("object_type", "accounts.user", "用户"),
        ("object_type", "gone.model", "gone.model"),
    ],
)
def test_codes_read_as_words(field, code, label):
    entry = AuditEntry(**{field: code})
    assert getattr(entry, f"{field}_label") == label


def test_the_object_type_choices_name_every_model_once():
    choices = audit_labels.object_type_choices()
    labels = [label for _code, label in choices]
    assert len(set(labels)) == len(labels)
    assert ("accounts.user", "用户") in choices and ("issues.ticket", "难题诉求") in choices
