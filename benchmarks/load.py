"""Bounded load test: mixed list / detail / coverage traffic at a fixed rate against gunicorn on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/socorg_load SOCORG_FIELD_KEY=… \
        .venv/bin/python benchmarks/load.py [--rate 100] [--duration 60] [--workers 4] [--port 8106]

It starts gunicorn itself (127.0.0.1 only, DEBUG=0 with plain HTTP allowed on loopback, `--workers` processes),
creates a province-wide staff account with an API token in the loaded database, sends requests on an open-loop
schedule (request i is due at i / rate seconds, whatever earlier requests are doing, so a slow server shows up as
latency, not as a lower rate), ends at the latest 6 × `--duration` after starting (requests not sent by then are
counted as unsent; every request gives up after --timeout), stops gunicorn and prints: requests, errors (any status
other than 200, or no answer within --timeout), achieved rate and latency percentiles overall and per kind, both
from the moment a request was due (queueing included) and from sending. It talks to 127.0.0.1 only (there is no
host option) and refuses more than 100,000 requests. A smoke run: --rate 20 --duration 5.

The bound, measured in the same run (--bound-seconds, 10 by default; 0 skips it): the same schedule, client and
number of gunicorn workers against a WSGI application that answers at once without Django (`noop` below) — what
the generator, the sockets and the machine's load add by themselves. "slow_seconds" lists the seconds of the
schedule whose slowest request took over 100 ms from its due time (where a backlog built, and how late).

The traffic mix, with ids and codes drawn from the loaded data (seeded, so runs are comparable):
  30 % lists   (API organizations / party organizations / members / activities, first pages and filters)
  40 % details (API organization by USCC, party organization, member, activity)
  30 % coverage (API figures for the province and a prefecture, coverage organization list page 1)
"""

import argparse
import http.client
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks._common import percentile, setup_django  # noqa: E402

USER = "loadtest"
STOP_AFTER = 6  # the run ends at the latest this many times --seconds after it started


def prepare(province: str, sample: int, seed: int) -> tuple[str, list[tuple[str, str]]]:
    """A token for a province-wide staff account and the weighted URL mix."""
    setup_django()
    from socorg.accounts import services
    from socorg.accounts.models import User
    from socorg.accounts.roles import Role
    from socorg.activities.models import Activity
    from socorg.party.models import PartyMember, PartyOrganization
    from socorg.registry.models import SocialOrganization

    user = User.objects.filter(username=USER).first()
    if user is None:
        user = services.user_add(username=USER, grants=[(Role.BUREAU_STAFF, province), (Role.PARTY_STAFF, province)])
    # A machine client with no password: the first-login password change (which refuses its token) does not apply.
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    token = services.token_create(user=user, expires_days=1)
    rng = random.Random(seed)

    def ids(queryset, field="pk"):
        values = list(queryset.order_by("?").values_list(field, flat=True)[:sample])
        if not values:
            raise SystemExit(f"No {queryset.model.__name__} in the database: load the demo data first.")
        return values

    # Rows in the account's scope only: on the national set a detail drawn from another province answers 404.
    usccs = ids(SocialOrganization.objects.visible_to(user), "uscc")
    party_orgs = ids(PartyOrganization.objects.visible_to(user))
    members = ids(PartyMember.objects.visible_to(user))
    visible_activities = Activity.objects.visible_to(user)
    activities = ids(visible_activities) if visible_activities.exists() else []
    prefectures = [f"{province[:2]}{n:02d}00" for n in (1, 3, 4, 5, 6, 7, 8, 9, 23, 25, 26, 28, 29, 31, 33, 34)]
    lists = ["/api/v1/orgs/", "/api/v1/orgs/?status=active", "/api/v1/party-orgs/", "/api/v1/members/",
             "/api/v1/orgs/?page=2", "/api/v1/party-orgs/?kind=branch"]
    if activities:
        lists.append("/api/v1/activities/")
    mix = []
    for _ in range(3000):
        kind = rng.choices(["list", "detail", "coverage"], weights=[30, 40, 30])[0]
        if kind == "list":
            url = rng.choice(lists)
        elif kind == "detail":
            url = rng.choice([
                lambda: f"/api/v1/orgs/{rng.choice(usccs)}/",
                lambda: f"/api/v1/party-orgs/{rng.choice(party_orgs)}/",
                lambda: f"/api/v1/members/{rng.choice(members)}/",
                *([lambda: f"/api/v1/activities/{rng.choice(activities)}/"] if activities else []),
            ])()
        else:
            url = rng.choice([f"/api/v1/coverage/?region={province}",
                              f"/api/v1/coverage/?region={rng.choice(prefectures)}",
                              f"/api/v1/coverage/orgs/?region={province}"])
        mix.append((kind, url))
    return token, mix


def noop(environ, start_response):
    """The bound's application: answers every request at once, without Django."""
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def start_gunicorn(port: int, workers: int, *, bound: bool = False) -> subprocess.Popen:
    # Production mode, except that plain HTTP on loopback is not redirected to HTTPS (there is no TLS proxy here).
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SOCORG_SSL_REDIRECT": "0",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-test-" + "k" * 60}
    # The production configuration (socorg/gunicorn_conf.py: preloaded, warmed application), as README says to run
    # it; the bound runs the same sync workers with the no-op application instead.
    app = ["benchmarks.load:noop"] if bound else ["-c", "python:socorg.gunicorn_conf", "socorg.wsgi"]
    command = [str(ROOT / ".venv/bin/gunicorn"), *app, "-b", f"127.0.0.1:{port}", "-w", str(workers),
               "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def run(port: int, token: str, mix: list[tuple[str, str]], rate: float, seconds: float, timeout: float,
        clients: int) -> tuple[list[tuple[str, str, int, float, float, float]], int, float]:
    """Send rate * seconds requests on schedule; returns (kind, url, status or 0, ms from due time, ms from sending,
    seconds from the start of the schedule to the due time) per request, how many were not sent by the hard stop,
    and the seconds from the first due time to the last answer."""
    total = int(rate * seconds)
    jobs: queue.Queue = queue.Queue()
    results, unsent, lock = [], [], threading.Lock()
    headers = {"Authorization": f"Token {token}", "Accept": "application/json", "Host": "127.0.0.1"}
    start = time.monotonic() + 0.5
    hard_stop = start + seconds * STOP_AFTER

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            job = jobs.get()
            if job is None:
                return
            due, kind, url = job
            if time.monotonic() > hard_stop:  # bounded: what could not be sent by then is counted, not sent
                with lock:
                    unsent.append(url)
                continue
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent = time.monotonic()
            try:
                connection.request("GET", url, headers=headers)
                answer = connection.getresponse()
                answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            answered = time.monotonic()
            with lock:
                results.append((kind, url, status, (answered - due) * 1000, (answered - sent) * 1000, due - start))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for i in range(total):
        kind, url = mix[i % len(mix)]
        jobs.put((start + i / rate, kind, url))
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    return results, len(unsent), time.monotonic() - start


def report(results, rate: float, seconds: float, wall: float) -> dict:
    """Latency from the due time (what a user arriving on schedule waits, queueing included) and from sending
    (the server's answer time once a connection is free), overall and per kind."""
    by_kind, served, worst = defaultdict(list), defaultdict(list), defaultdict(float)
    for kind, _url, _status, from_due, from_send, *offset in results:
        for key in (kind, "all"):
            by_kind[key].append(from_due)
            served[key].append(from_send)
        if offset:
            worst[int(offset[0])] = max(worst[int(offset[0])], from_due)
    errors = [(url, status) for _kind, url, status, *_ in results if status != 200]
    figures = {"requests": len(results), "errors": len(errors), "target_rate": rate, "seconds": seconds,
               "achieved_rate": round(len(results) / wall, 1), "wall_seconds": round(wall, 1),
               "error_samples": errors[:5],
               "slow_seconds": {second: round(ms) for second, ms in sorted(worst.items()) if ms > 100}}
    for kind in sorted(by_kind):
        due, sent = sorted(by_kind[kind]), sorted(served[kind])
        figures[kind] = {"n": len(due), "p50_ms": round(percentile(due, 50), 1),
                         "p95_ms": round(percentile(due, 95), 1), "p99_ms": round(percentile(due, 99), 1),
                         "served_p50_ms": round(percentile(sent, 50), 1),
                         "served_p95_ms": round(percentile(sent, 95), 1)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", "--seconds", dest="seconds", type=float, default=60.0,
                        help="seconds of scheduled traffic (the run ends at the latest 6 × this)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--province", default="530000")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a request counts as failed")
    parser.add_argument("--clients", type=int, default=64, help="client threads (concurrent connections)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bound-seconds", type=float, default=10.0,
                        help="seconds of the same schedule against a no-op application first (0: no bound)")
    args = parser.parse_args()
    check_bounds(args)
    if not 0 < args.timeout <= 60:
        raise SystemExit("--timeout must be between 0 and 60 seconds.")
    if not os.environ.get("SOCORG_FIELD_KEY", "").strip():
        raise SystemExit("Set SOCORG_FIELD_KEY to the key the data was loaded with: gunicorn runs with DEBUG=0, "
                         "which refuses the embedded key, and must read the same encrypted fields.")
    token, mix = prepare(args.province, sample=500, seed=args.seed)
    print(json.dumps(measure(args, token, mix), ensure_ascii=False, indent=2))


def check_bounds(args) -> None:
    if not 0 < args.rate * (args.seconds + args.bound_seconds) <= 100_000:
        raise SystemExit("Between 1 and 100,000 requests (--rate × --duration): this is a bounded test.")
    if not 0 <= args.bound_seconds <= 60:
        raise SystemExit("--bound-seconds must be between 0 and 60 seconds.")


def measure(args, token: str, mix: list[tuple[str, str]]) -> dict:
    """The bound (no-op application), then the run against socorg; figures of both, the ratio of the p95s and the
    machine's load average before and after."""
    load_before = os.getloadavg()
    bound = None
    if args.bound_seconds:
        process = start_gunicorn(args.port, args.workers, bound=True)
        try:
            results, _unsent, wall = run(args.port, token, mix, args.rate, args.bound_seconds, args.timeout,
                                         args.clients)
        finally:
            stop(process)
        bound = report(results, args.rate, args.bound_seconds, wall)["all"]
    process = start_gunicorn(args.port, args.workers)
    try:
        results, unsent, wall = run(args.port, token, mix, args.rate, args.seconds, args.timeout, args.clients)
    finally:
        stop(process)
    figures = {**report(results, args.rate, args.seconds, wall), "unsent_at_hard_stop": unsent}
    if bound is not None:
        figures["bound_noop_app"] = bound
        figures["p95_ratio_to_bound"] = round(figures["all"]["p95_ms"] / max(bound["p95_ms"], 0.1), 1)
    figures["load_average_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    return figures


if __name__ == "__main__":
    main()
