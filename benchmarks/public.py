"""Public-site speed: organization look-up by credit code and name search through the public API, in process, and
(with --load) a bounded load test of mixed public traffic against gunicorn on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_bench .venv/bin/python benchmarks/public.py [--repeat 50]
    DATABASE_URL=… SOCORG_FIELD_KEY=… .venv/bin/python benchmarks/public.py --load --rate 200 --duration 60

In process (Django's test client: routing, middleware, the public guard, the query, serialization): each request
carries a fresh query string so that the page cache is bypassed and the database path is measured; the cached
answer is measured apart. Beside each figure, the hand-written SQL doing the same look-up in the same run.
Targets (issue #18): look-up by USCC ≤ 20 ms, name search p95 < 50 ms on the national data set.

--load reuses benchmarks/load.py (open-loop schedule, bounded, 127.0.0.1 only, gunicorn started and stopped here)
with the public mix: 40 % organization by USCC (API and page), 30 % name search (API and page), 10 % credit lists,
10 % evaluation grades, 10 % home page and figures. The public rate limit is lifted for the run (one client
address sends everything). Target: 200 requests/s with p95 < 100 ms. As in load.py, the same schedule is first
sent for --bound-seconds to a no-op application under the same gunicorn workers: the bound of the same run."""

import argparse
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import database_label, percentile, setup_django, timed


def sample_orgs(n: int, seed: int) -> list[tuple[str, str]]:
    from socorg.registry.models import SocialOrganization

    ids = list(SocialOrganization.objects.order_by("pk").values_list("pk", flat=True)[:200_000])
    rng = random.Random(seed)
    chosen = rng.sample(ids, min(n, len(ids)))
    return list(SocialOrganization.objects.filter(pk__in=chosen).values_list("uscc", "name"))


def fragment(name: str) -> str:
    """A search word people type: the distinctive middle of a name (e.g. 五华区科技创新协会 → 科技创新)."""
    core = name[3:-2] if len(name) > 6 else name
    return core[:4]


def in_process(repeat: int, seed: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    orgs = sample_orgs(max(repeat, 10), seed)
    counter = iter(range(10**9))

    def lookup():
        uscc, _name = orgs[next(counter) % len(orgs)]
        assert client.get(f"/api/v1/public/orgs/{uscc}/?n={next(counter)}").status_code == 200

    def search():
        _uscc, name = orgs[next(counter) % len(orgs)]
        assert client.get("/api/v1/public/orgs/", {"q": fragment(name), "n": next(counter)}).status_code == 200

    cached_uscc = orgs[0][0]

    def cached():
        assert client.get(f"/api/v1/public/orgs/{cached_uscc}/").status_code == 200

    def sql_lookup():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name, status FROM registry_socialorganization WHERE uscc = %s",
                           [orgs[next(counter) % len(orgs)][0]])
            cursor.fetchall()

    def sql_search():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name FROM registry_socialorganization WHERE name LIKE %s "
                           "ORDER BY name_initials, uscc LIMIT 21",
                           ["%" + fragment(orgs[next(counter) % len(orgs)][1]) + "%"])
            cursor.fetchall()

    figures = {}
    for label, fn in (("USCC look-up (API, uncached)", lookup), ("name search (API, uncached)", search),
                      ("USCC look-up (API, cached)", cached), ("SQL bound: WHERE uscc =", sql_lookup),
                      ("SQL bound: name LIKE, first page", sql_search)):
        samples = sorted(timed(fn, repeat))
        figures[label] = {"p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1)}
    return figures


def load(args) -> dict:
    import load as loadtest

    os.environ["SOCORG_PUBLIC_RATE"] = "1000000/m"
    os.environ["SOCORG_PUBLIC_COMPLAINT_RATE"] = "1000000/h"
    orgs = sample_orgs(500, args.seed)
    from urllib.parse import quote

    mix = []
    for i, (uscc, name) in enumerate(orgs):
        q = quote(fragment(name))
        mix += [("uscc", f"/api/v1/public/orgs/{uscc}/"), ("uscc", f"/public/orgs/{uscc}/"),
                ("uscc", f"/api/v1/public/orgs/{uscc}/"), ("uscc", f"/public/orgs/{uscc}/"),
                ("search", f"/api/v1/public/orgs/?q={q}"), ("search", f"/public/orgs/?q={q}"),
                ("search", f"/api/v1/public/orgs/?q={q}"),
                ("lists", "/api/v1/public/credit-lists/"), ("lists", "/api/v1/public/grades/"),
                ("home", "/public/" if i % 2 else "/api/v1/public/figures/")]
    random.Random(args.seed).shuffle(mix)
    return loadtest.measure(args, "none", mix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load", action="store_true", help="the bounded load test against gunicorn")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", "--seconds", dest="seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--bound-seconds", type=float, default=10.0,
                        help="with --load: seconds of the same schedule against a no-op application first (0: none)")
    args = parser.parse_args()
    setup_django()
    if args.load:
        import load as loadtest

        loadtest.check_bounds(args)
        if not os.environ.get("SOCORG_FIELD_KEY", "").strip():
            raise SystemExit("Set SOCORG_FIELD_KEY to the key the data was loaded with (gunicorn runs with DEBUG=0).")
        print(json.dumps(load(args), ensure_ascii=False, indent=2))
        return
    from django.conf import settings

    settings.SOCORG_PUBLIC_RATE = "1000000/m"
    print(f"database: {database_label()}")
    print(json.dumps(in_process(args.repeat, args.seed), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
