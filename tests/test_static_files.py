"""Static files in production: hashed names, compressed copies and long cache lifetimes
(WhiteNoise's compressed manifest storage); the dashboard loads its chart library lazily."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import OrgUnit
from tests import factories as f
from tests.helpers import sign_in

ROOT = Path(__file__).resolve().parents[1]


def storage_backend(manifest: str) -> str:
    env = {**os.environ, "STATIC_MANIFEST": manifest, "DJANGO_SETTINGS_MODULE": "pairing.settings"}
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_the_image_serves_hashed_compressed_static_files_and_make_run_plain_ones():
    assert "STATIC_MANIFEST=1" in (ROOT / "Dockerfile").read_text()
    assert storage_backend("1") == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert storage_backend("0") == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.django_db
def test_the_dashboard_fetches_the_chart_library_only_for_its_charts(client):
    area = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    sign_in(client, f.make_user("leader", jurisdiction_unit=area))
    page = client.get(reverse("leader_home")).content.decode()
    assert "echarts" not in "".join(line for line in page.splitlines() if "<script" in line)
    assert 'data-library="/static/vendor/echarts/echarts.custom.min.js"' in page
    library = ROOT / "static/vendor/echarts/echarts.custom.min.js"
    assert library.stat().st_size < 600_000  # the full bundle was 1 MB
