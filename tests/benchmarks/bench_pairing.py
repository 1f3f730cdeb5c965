"""suggest_15k_s / suggest_300k_s: the suggestion engine proposing a lead cadre for every
enterprise of the city (province) in a fresh campaign, against a reference of reading the same
uncovered enterprises' rows once. cadre_home_*_ms and coverage_page_*_ms: the median server time of
those pages through Django's test client, against the median of the login page. The coverage page
(by target and tag, town, batch and group) is timed unfiltered, by a batch, by a group and by both,
its figures counted once per view and then kept (reports.campaign_coverage);
coverage_page_*_first_ms is its first view, counting 300,000 firms, after a pairing changed."""

from __future__ import annotations

import datetime
import random
import statistics
import time

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Cadre, OrgUnit, User
from pairing import demo as pairing_demo
from pairing import selectors, services, suggest
from pairing.models import Campaign, Pairing
from reports.demo import SCALES, seed
from tests.benchmarks import Bench, benchmark
from tests.helpers import sign_in

REPEAT = 15


def timings_ms(client: Client, url: str, repeat: int = REPEAT) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def median_ms(client: Client, url: str) -> float:
    return statistics.median(timings_ms(client, url))


def coverage_page(bench: Bench, scale: str, client: Client, campaign: Campaign, reference):
    """The campaign's coverage page under each filter, after giving the campaign dated batches
    (its pairings fall into them), staffed groups, counted targets and caps."""
    if not campaign.batches.filter(pairings__isnull=False).exists():
        pairing_demo.build_campaign_structure(random.Random(2026), campaign)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    url = f"/pairing/campaigns/{campaign.pk}/"
    batch = campaign.batches.order_by("start", "pk").first().pk
    group = campaign.groups.order_by("pk").first().pk
    services.bump_coverage(campaign.pk)  # as after a pairing: the figures are counted anew
    bench.record(f"coverage_page_{scale}_first_ms", timings_ms(client, url, 1)[0], "ms", reference)
    times = []
    for query in ("", f"?batch={batch}", f"?group={group}", f"?batch={batch}&group={group}"):
        times += timings_ms(client, url + query)
    bench.record(f"coverage_page_{scale}_ms", statistics.median(times), "ms", reference)


def pages(bench: Bench, scale: str, campaign: Campaign) -> None:
    """The pages on the seeded data (the demo campaign, with its pairings and visits)."""
    client = Client(SERVER_NAME="localhost")
    reference = median_ms(client, "/login/")
    cadre = (
        Cadre.objects.filter(pairings__end__isnull=True, user__groups__name="cadre")
        .order_by("-pk")
        .first()
    )
    sign_in(client, cadre.user)
    bench.record(f"cadre_home_{scale}_ms", median_ms(client, "/cadre/"), "ms", reference)
    organiser = User.objects.create(username=f"bench_organiser_{scale}")
    organiser.groups.add(Group.objects.get(name="organiser"))
    organiser.jurisdiction_unit = campaign.scope_unit
    organiser.save()
    client = Client(SERVER_NAME="localhost")
    sign_in(client, organiser)
    coverage_page(bench, scale, client, campaign, reference)


def suggestions(bench: Bench, scale: str, figure: str) -> None:
    """A new campaign over the whole area, every earlier pairing ended: all firms uncovered."""
    city = OrgUnit.objects.filter(parent__isnull=True).order_by("depth", "pk").first()
    today = timezone.localdate()
    Pairing.objects.active().update(end=today, end_reason="基准测试")
    campaign = Campaign.objects.create(
        name="基准行动", scope_unit=city, start=today - datetime.timedelta(days=1)
    )
    organiser = User.objects.create(username=f"bench_suggest_{scale}", jurisdiction_unit=city)
    started = time.perf_counter()
    firms = list(
        selectors.uncovered(campaign, city)
        .select_related(None)
        .values_list("pk", "town_id", "scale", "kind")
    )
    reference = time.perf_counter() - started
    started = time.perf_counter()
    run = suggest.run(organiser, campaign)
    bench.record(figure, time.perf_counter() - started, "s", reference)
    bench.sizes.update(
        {
            f"suggest_{scale}_uncovered": run.uncovered,
            f"suggest_{scale}_proposed": run.uncovered - run.unmatched,
            f"suggest_{scale}_cadres": Cadre.objects.count(),
        }
    )
    assert run.uncovered == len(firms)


def at_scale(bench: Bench, scale: str, suggest_figure: str) -> None:
    bench.fresh_database()
    if scale == "province":
        from tests.benchmarks.province import build_province  # COPY: seconds, not minutes

        build_province(SCALES[scale])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have done on a live database
    else:
        seed(SCALES[scale])
    pages(bench, scale, Campaign.objects.order_by("pk").first())
    suggestions(bench, scale, suggest_figure)


@benchmark("pairing")
def pairing(bench: Bench) -> None:
    at_scale(bench, "city", "suggest_15k_s")
    if not bench.quick:
        at_scale(bench, "province", "suggest_300k_s")
