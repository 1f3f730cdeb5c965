"""The Content-Security-Policy's middleware (django-csp; the policy is CONTENT_SECURITY_POLICY in
settings.py) with one narrow exception: django-rq's dashboard (/django-rq/, system admin only,
behind the admin login) ships inline `<script>` blocks and `style=` attributes in its own
templates; those pages alone may run inline code. The Django admin itself needs no exception
(Django 5.2's admin has no inline scripts or styles).
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware

INLINE_ALLOWED_PREFIXES = ("/django-rq/",)


class PairingCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(INLINE_ALLOWED_PREFIXES):
            parts.update = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}
        return parts
