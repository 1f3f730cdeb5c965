"""Log in to a running stack as a demo user and open a page that needs the login.

Standard library only, so it runs on the host without the project's venv:
    python3 deploy/compose/smoke.py http://127.0.0.1:8090 USERNAME PASSWORD
Exits non-zero, saying why, when /healthz is not ok, the page does not ask for a login first,
the login is refused, or the page after it is not the user's.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


def fail(message: str) -> None:
    print(f"compose smoke: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def main(base: str, username: str, password: str) -> None:
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(path: str):
        with browser.open(base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        health = json.loads(response.read())
    if health.get("status") != "ok":
        fail(f"/healthz: {health}")
    print(f"/healthz: {health['checks']}")

    # Anonymous: the home page sends to the login form.
    url, page = get("/")
    if urllib.parse.urlsplit(url).path != "/login/":
        fail(f"/ without a login answered {url}, not the login form")
    token = next((c.value for c in jar if c.name == "csrftoken"), None)
    if not token or 'name="username"' not in page:
        fail("the login form has no CSRF cookie or no username field")

    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(base + "/login/", data=form, headers={"Referer": url})
    try:
        with browser.open(request, timeout=30) as response:
            url, page = response.geturl(), response.read().decode()
    except urllib.error.HTTPError as exc:
        fail(f"POST /login/ answered {exc.code}")
    path = urllib.parse.urlsplit(url).path
    if path == "/login/":
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
        fail(f"login as {username} refused: {errors or 'no message'}")
    if "/logout/" not in page:
        fail(f"{url} after the login shows no logout form")
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    print(f"logged in as {username}: {path} ({title.group(1).strip() if title else 'no title'})")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3])
