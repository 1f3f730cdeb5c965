"""/favicon.ico: browsers ask for it whatever the page says, and a 404 there is an error in every
page's console. It redirects to the icon among the static files (hashed and long-cached in
production); base.html names that icon too, so most browsers never ask."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request):
    return HttpResponsePermanentRedirect(static("favicon.svg"))
