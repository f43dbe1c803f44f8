"""The load test's client (benchmarks/load.py, issue #10 continuous checks) is correct and bounded: against a
loopback server that answers, every scheduled request is sent once and counted with its status; against one that
never answers, the run still ends by itself, every request counted as an error (no answer within the timeout) or as
unsent at the hard stop — nothing is lost and nothing hangs. No timing is asserted: the machine may be loaded."""

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from benchmarks import load  # noqa: E402

MIX = [("list", "/api/v1/orgs/"), ("detail", "/api/v1/orgs/X/"), ("coverage", "/api/v1/coverage/?region=530000")]


class Server:
    """A loopback HTTP server on a free port; `answer` decides what a GET gets (None: no answer at all)."""

    def __init__(self, answer):
        outer = self
        self.seen, self.release = [], threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.seen.append((self.path, self.headers.get("Authorization")))
                status = answer(self.path)
                if status is None:
                    outer.release.wait(30)  # hold the connection: the client's timeout must end the wait
                    return
                body = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def test_every_scheduled_request_is_sent_once_and_counted():
    server = Server(lambda path: 404 if path == "/api/v1/orgs/X/" else 200)
    try:
        results, unsent, wall = load.run(server.port, "k" * 40, MIX, rate=40, seconds=0.5, timeout=5, clients=4)
    finally:
        server.close()
    assert unsent == 0 and len(results) == 20 and wall > 0
    assert sorted(url for _kind, url, *_ in results) == sorted(url for _kind, url in (MIX * 7)[:20])
    assert {auth for _path, auth in server.seen} == {"Token " + "k" * 40}
    figures = load.report(results, rate=40, seconds=0.5, wall=wall)
    assert figures["requests"] == 20
    assert figures["errors"] == sum(1 for _kind, url in (MIX * 7)[:20] if url == "/api/v1/orgs/X/")
    assert set(figures) >= {"all", "list", "detail", "coverage", "achieved_rate"}
    assert figures["all"]["p95_ms"] >= figures["all"]["p50_ms"] >= 0


def test_a_server_that_never_answers_cannot_hold_the_run():
    server = Server(lambda path: None)
    try:
        results, unsent, _wall = load.run(server.port, "k" * 40, MIX, rate=20, seconds=0.2, timeout=0.5, clients=2)
    finally:
        server.close()
    assert len(results) + unsent == 4
    assert all(status == 0 for _kind, _url, status, *_ in results)


def test_the_report_names_the_seconds_of_the_schedule_where_requests_came_late():
    # (kind, url, status, ms from due time, ms from sending, seconds from the start to the due time)
    results = [("list", "/a", 200, 12.0, 11.0, 0.2), ("list", "/a", 200, 1500.0, 40.0, 3.1),
               ("detail", "/b", 200, 900.0, 30.0, 3.6), ("detail", "/b", 200, 20.0, 19.0, 4.0),
               ("detail", "/b", 200, 101.0, 99.0, 7.9)]
    figures = load.report(results, rate=1, seconds=8, wall=8.5)
    assert figures["slow_seconds"] == {3: 1500, 7: 101}
    assert figures["requests"] == 5 and figures["errors"] == 0


def test_the_bound_answers_at_once_without_django():
    seen = []
    body = load.noop({"PATH_INFO": "/api/v1/orgs/"}, lambda status, headers: seen.append((status, headers)))
    assert seen[0][0] == "200 OK" and b"".join(body) == b"{}"


@pytest.mark.parametrize(("args", "message"), [
    (["--rate", "2000", "--duration", "60"], "100,000"),
    (["--rate", "0"], "100,000"),
    (["--rate", "1000", "--duration", "60", "--bound-seconds", "50"], "100,000"),
    (["--bound-seconds", "600"], "--bound-seconds"),
    (["--timeout", "600"], "--timeout"),
])
def test_the_command_refuses_an_unbounded_run_before_starting_anything(args, message, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), *args], capture_output=True,
                            text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode != 0 and message in result.stderr


def test_the_command_needs_the_field_key_the_data_was_loaded_with(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--duration", "1"],
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode != 0 and "SOCORG_FIELD_KEY" in result.stderr


@pytest.mark.django_db
def test_the_staff_mix_draws_its_records_from_the_accounts_scope():
    """On the national set a province-wide account must not be sent to another province's records (404 each)."""
    import datetime

    from socorg.party.services import member_add
    from socorg.party.tests.factories import make_org, make_party_org, staff, valid_id_number

    actor = staff("100000")
    branches = {}
    for code, seq in (("530102", 1), ("110101", 2)):
        org = make_org(code)
        branches[code] = make_party_org(actor, orgs=[org], founded_on=datetime.date(2020, 1, 1))
        member_add(name=f"党员{seq}", party_org=branches[code], employer=org, joined_on=datetime.date(2010, 7, 1),
                   id_number=valid_id_number(place=code, seq=seq), actor=actor)
    _token, mix = load.prepare("530000", sample=50, seed=1)
    details = {url for kind, url in mix if kind == "detail"}
    assert f"/api/v1/party-orgs/{branches['530102'].pk}/" in details
    assert f"/api/v1/party-orgs/{branches['110101'].pk}/" not in details
    assert not any(url.startswith("/api/v1/orgs/11") for url in details)
