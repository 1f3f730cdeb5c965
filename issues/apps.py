from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("难题诉求")

    def ready(self):
        from django.utils.text import format_lazy

        from accounts import audit_labels
        from issues import portal_session  # noqa: F401  (connects its login signal)
        from issues.workflow import TRANSITIONS

        # workflow.py audits each transition as ticket_<action>: its label is the transition's.
        audit_labels.register(
            {
                f"ticket_{action}": format_lazy(_("难题{action}"), action=t.label)
                for action, t in TRANSITIONS.items()
            }
        )
