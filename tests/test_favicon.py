"""/favicon.ico answers with the app's icon (issue 18: a 404 on every page, an error in every
console that Lighthouse's best practices count), and every page names the icon itself."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_an_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_pages_name_the_icon(client):
    html = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
