"""Nothing is lost when the server and the worker are killed.

The real server (`safeguarding serve`, waitress) and the worker (`safeguarding worker`) run
on a PostgreSQL database of their own. While clients send concerns through the API and
reports through the helpline's public pages, retrying until they are answered with a 2xx,
both processes are killed with SIGKILL and restarted, several times. Afterwards:

- every concern acknowledged is stored exactly once (the API is idempotent on the agency
  and its record id), and so is every helpline report (its form carries a submission id);
- every task is done: each missed clock is escalated exactly once, with its notifications;
- `safeguarding verify-audit` passes.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://...)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
SAFEGUARDING = [sys.executable, "-m", "safeguarding.cli"]
API_CLIENTS = 5
CONCERNS_PER_CLIENT = 10  # at least; clients keep sending until every kill has happened
HELPLINE_CLIENTS = 2
REPORTS_PER_CLIENT = 2  # at least, likewise
MOST_PER_CLIENT = 500  # a bound, so that a chaos thread that never finishes cannot hang
SERVER_KILLS = 3
WORKER_KILLS = 3
GIVE_UP_AFTER = 90.0


@pytest.fixture
def database(transactional_db: None, django_db_blocker) -> Iterator[str]:
    """A database of its own, copied from the migrated test database and dropped here: the
    server and worker are separate processes, so they cannot share the test's transaction."""
    import psycopg
    from django.db import connections

    url = os.environ["DATABASE_URL"]
    template = connections["default"].creation._get_test_db_name()
    name = f"faults_{os.getpid()}"
    with django_db_blocker.unblock():
        connections.close_all()  # a template must have no other connections
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    parts = urllib.parse.urlsplit(url)
    yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _ephemeral_ports() -> range:
    """The ports the system hands out to whoever asks for port 0."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 65536)


def _free_port() -> int:
    """A free port that the system will not hand to anyone else while the server is down
    between a kill and its restart: the other pytest-xdist workers' live servers, and any
    other process, are given ports from the ephemeral range, so this one is chosen below
    it (at random, so that parallel runs of this test seldom try the same one)."""
    ephemeral = _ephemeral_ports()
    lowest = 10_000 if ephemeral.start > 11_000 else 1024
    chance = random.SystemRandom()
    for _ in range(200):
        port = chance.randrange(lowest, ephemeral.start)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port below {ephemeral.start}")


@dataclass
class Service:
    environment: dict[str, str]
    port: int
    logs: Path
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    starts: dict[str, int] = field(default_factory=lambda: {"server": 0, "worker": 0})

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*args],
            cwd=ROOT,
            env=self.environment,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        self.starts[name] += 1
        log = (self.logs / f"{name}-{self.starts[name]}.log").open("wb")
        return subprocess.Popen(
            [*SAFEGUARDING, *args], cwd=ROOT, env=self.environment, stdout=log, stderr=log
        )

    def start_server(self) -> None:
        self.server = self._spawn(
            "server", "serve", "--no-migrate", "--port", str(self.port), "--threads", "8"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not start: see " + str(self.logs))

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", "worker", "--interval", "1")

    def kill(self, process: subprocess.Popen[bytes] | None) -> None:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _retry(send, stop: threading.Event) -> tuple[int, bytes] | None:
    """Send until a 2xx answer (the server may be down or die mid-request)."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while time.monotonic() < deadline and not stop.is_set():
        try:
            status, body = send()
        except (OSError, http.client.HTTPException):
            # Down, refused, or killed mid-answer (headers sent, body cut short): the
            # request may have been recorded, and sending it again with the same
            # idempotency key gets its answer.
            time.sleep(0.2)
            continue
        if 200 <= status < 300:
            return status, body
        if status < 500:
            raise AssertionError(f"refused with {status}: {body[:500]!r}")
        time.sleep(0.2)
    return None


def _concern(number: str, council: str) -> bytes:
    return json.dumps(
        {
            "category": "neglect",
            "summary": "Seen outside the school gates late at night without a coat",
            "recorded_at": datetime.now(UTC).isoformat(),
            "local_authority": council,
            "agency_record_id": number,
            "persons": [
                {
                    "role": "child",
                    "details": {
                        "given_name": "Robin",
                        "family_name": f"Faultless{number[-4:]}",
                        "kind": "child",
                        "date_of_birth": "2015-04-01",
                    },
                }
            ],
        }
    ).encode()


def _hidden(page: bytes, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page.decode())
    assert match, f"no hidden field {name}"
    return match.group(1)


@dataclass
class Acknowledged:
    concerns: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _sending(least: int, chaos_over: threading.Event) -> Iterator[int]:
    """Numbers for a client's submissions: at least `least`, and on until the chaos is over,
    so that every kill lands while submissions are in flight however fast the machine."""
    item = 0
    while (item < least or not chaos_over.is_set()) and item < MOST_PER_CLIENT:
        yield item
        item += 1


def _api_client(
    service: Service,
    token: str,
    council: str,
    client: int,
    seen: Acknowledged,
    stop: threading.Event,
    chaos_over: threading.Event,
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for item in _sending(CONCERNS_PER_CLIENT, chaos_over):
        number = f"FAULT-{client:02d}-{item:04d}"
        body = _concern(number, council)
        answer = _retry(
            lambda body=body: request(service.port, "POST", "/api/v1/concerns", body, headers),
            stop,
        )
        with seen.lock:
            (seen.concerns if answer else seen.unanswered).append(number)


def _form(fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return urllib.parse.urlencode(fields).encode(), {
        "Content-Type": "application/x-www-form-urlencoded"
    }


def _helpline_client(
    service: Service, seen: Acknowledged, stop: threading.Event, chaos_over: threading.Event
) -> None:
    for _ in _sending(REPORTS_PER_CLIENT, chaos_over):
        page = _retry(lambda: request(service.port, "GET", "/helpline/report/"), stop)
        assert page is not None
        body, headers = _form(
            {
                "what_happened": "The safeguarding lead told staff not to pass on a disclosure",
                "organisations": "Faultshire Academy",
                "who": "The safeguarding lead",
                "when": "Last week",
                "started": _hidden(page[1], "started"),
                "website": "",
            }
        )
        answers = _retry(
            lambda body=body, headers=headers: request(
                service.port, "POST", "/helpline/report/", body, headers
            ),
            stop,
        )
        assert answers is not None
        send, headers = _form({"draft": _hidden(answers[1], "draft"), "known_as": "anonymous"})
        # The same filled-in form, sent until answered: it must make one report.
        receipt_page = _retry(
            lambda send=send, headers=headers: request(
                service.port, "POST", "/helpline/report/known-as/", send, headers
            ),
            stop,
        )
        with seen.lock:
            if receipt_page is None:
                seen.unanswered.append("helpline report")
            else:
                match = re.search(r"data-receipt>([\d ]+)<", receipt_page[1].decode())
                assert match, receipt_page[1][:2000]
                seen.receipts.append(match.group(1))


def _chaos(
    service: Service, stop: threading.Event, over: threading.Event, kills: dict[str, int]
) -> None:
    try:
        _kill_and_restart(service, stop, kills)
    finally:
        over.set()


def _kill_and_restart(service: Service, stop: threading.Event, kills: dict[str, int]) -> None:
    chance = random.Random(8)
    plan = ["server"] * SERVER_KILLS + ["worker"] * WORKER_KILLS
    chance.shuffle(plan)
    for target in plan:
        if stop.wait(chance.uniform(0.8, 2.0)):
            return
        if target == "server":
            service.kill(service.server)
            kills["server"] += 1
            time.sleep(chance.uniform(0.1, 0.8))
            service.start_server()
        else:
            service.kill(service.worker)
            kills["worker"] += 1
            service.start_worker()


def test_nothing_acknowledged_is_lost_when_the_server_and_worker_are_killed(
    database: str, tmp_path: Path
):
    environment = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "safeguarding.config.settings",
        "SAFEGUARDING_VAR_DIR": str(tmp_path / "var"),
        "SAFEGUARDING_ENV": "development",
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("SAFEGUARDING_DEBUG", None)
    logs = tmp_path / "logs"
    logs.mkdir()
    service = Service(environment, _free_port(), logs)

    made = service.run(sys.executable, "-m", "tests.faults.world", "setup")
    assert made.returncode == 0, made.stderr
    world = json.loads(made.stdout.strip().splitlines()[-1])

    service.start_server()
    service.start_worker()
    seen = Acknowledged()
    stop = threading.Event()
    chaos_over = threading.Event()
    kills = {"server": 0, "worker": 0}
    clients = [
        threading.Thread(
            target=_api_client,
            args=(service, world["token"], world["council"], number, seen, stop, chaos_over),
        )
        for number in range(API_CLIENTS)
    ] + [
        threading.Thread(
            target=_helpline_client,
            args=(service, seen, stop, chaos_over),
        )
        for _ in range(HELPLINE_CLIENTS)
    ]
    chaos = threading.Thread(target=_chaos, args=(service, stop, chaos_over, kills))
    try:
        for thread in [*clients, chaos]:
            thread.start()
        chaos.join(timeout=300)
        for thread in clients:
            thread.join(timeout=GIVE_UP_AFTER + 30)
        stop.set()
        # The last pass finishes whatever a killed worker left.
        service.kill(service.worker)
        finished = service.run(*SAFEGUARDING, "worker", "--once")
        assert finished.returncode == 0, finished.stderr
    finally:
        stop.set()
        service.kill(service.server)
        service.kill(service.worker)

    assert kills == {"server": SERVER_KILLS, "worker": WORKER_KILLS}
    assert seen.unanswered == []
    assert len(seen.concerns) >= API_CLIENTS * CONCERNS_PER_CLIENT
    assert len(seen.concerns) == len(set(seen.concerns))
    assert len(seen.receipts) >= HELPLINE_CLIENTS * REPORTS_PER_CLIENT

    checked = service.run(
        sys.executable,
        "-m",
        "tests.faults.world",
        "check",
        stdin=json.dumps({"concerns": seen.concerns, "receipts": seen.receipts}),
    )
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout.strip().splitlines()[-1])
    assert result["concerns_missing"] == []
    assert result["concerns_duplicated"] == []
    assert result["concerns_stored"] == len(seen.concerns)
    assert result["reports_missing"] == []
    assert result["reports_opened_twice"] == 0
    assert result["reports_stored"] == len(seen.receipts)
    assert result["clocks_not_escalated"] == 0
    assert result["escalation_entries"] == [1]
    # Each missed clock told the accountable practitioner and their manager, once each.
    assert result["escalation_notifications"] == 2 * result["clocks"]

    verified = service.run(*SAFEGUARDING, "verify-audit", "--quiet")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK:")
