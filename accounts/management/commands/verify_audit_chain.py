"""Verify the audit trail's hash chain (accounts.audit_chain); exit 1 where it breaks."""

from django.core.management.base import BaseCommand, CommandError

from accounts import audit_chain
from accounts.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain; exits non-zero naming the first entry that breaks it."
    )

    def handle(self, *args, **options):
        chain = audit_chain.verify(AuditEntry)
        if not chain.intact:
            bad = AuditEntry.objects.get(pk=chain.first_bad_id)
            raise CommandError(
                f"audit chain broken at entry #{bad.pk} ({bad.at:%Y-%m-%d %H:%M:%S} "
                f"{bad.username} {bad.action}); the {chain.checked} entries before it are intact"
            )
        self.stdout.write(f"audit chain intact: {chain.checked} entries")
