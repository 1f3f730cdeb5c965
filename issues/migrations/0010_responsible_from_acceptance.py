from django.db import migrations
from django.db.models import OuterRef, Subquery

TAKEN = ("accepted", "resolved", "closed")


def responsible_from_acceptance(apps, schema_editor):
    """A ticket accepted before the unit named a responsible person (责任人) takes the handler who
    last accepted it; tickets whose acceptance names no one stay without."""
    Ticket = apps.get_model("issues", "Ticket")
    TicketEvent = apps.get_model("issues", "TicketEvent")
    accepted_by = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), action="accept", actor__isnull=False)
        .order_by("-at", "-id")
        .values("actor_id")[:1]
    )
    Ticket.objects.filter(status__in=TAKEN, assignee__isnull=True).update(
        assignee=Subquery(accepted_by)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0009_notification_params"),
    ]

    operations = [
        migrations.RunPython(responsible_from_acceptance, migrations.RunPython.noop),
    ]
