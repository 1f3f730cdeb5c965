"""Create an API client and print its token (shown once): for scripts, tests and the demo."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from accounts.api_clients import Scope, WebhookEvent, create_client
from accounts.models import OrgUnit


class Command(BaseCommand):
    help = "Create an API client with scopes and an area; print its token once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scopes", required=True, help=f"comma separated: {', '.join(Scope.values)}"
        )
        parser.add_argument("--area", required=True, help="the code of the client's area unit")
        parser.add_argument("--days", type=int, default=365, help="days until the token expires")
        parser.add_argument("--webhook-url", default="")
        parser.add_argument(
            "--events", default="", help=f"comma separated: {', '.join(WebhookEvent.values)}"
        )

    def handle(self, *args, name, scopes, area, days, webhook_url, events, **options):
        unit = OrgUnit.objects.filter(code=area).first()
        if unit is None:
            raise CommandError(f"no unit with code {area!r}")
        wanted = [s.strip() for s in scopes.split(",") if s.strip()]
        chosen = [e.strip() for e in events.split(",") if e.strip()]
        unknown = (set(wanted) - set(Scope.values)) | (set(chosen) - set(WebhookEvent.values))
        if unknown or not wanted:
            raise CommandError(f"unknown or missing scopes/events: {', '.join(sorted(unknown))}")
        if days < 1:
            raise CommandError("--days must be at least 1")
        try:
            client, token = create_client(
                name=name,
                area=unit,
                scopes=wanted,
                expires_at=timezone.now() + datetime.timedelta(days=days),
                webhook_url=webhook_url,
                webhook_events=chosen,
            )
        except (IntegrityError, ValueError) as exc:  # a taken name: say so, not a traceback
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
