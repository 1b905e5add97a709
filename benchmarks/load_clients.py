"""The simulated clients of benchmarks/load.py: asyncio + aiohttp, each client a loop until the deadline.

A client picks an action by weight: an API screening (not stored), a stored API submission under a fresh
Idempotency-Key (some resent at once, as a client that lost the answer would), or a patient walking the whole
web form (GET each page for its CSRF token, POST it, check page, send). Every request's latency is kept by
kind; every acknowledged submission (201, or the form's 303 to its result) is remembered for the check that it
is in the database exactly once.

Two ways to load: closed loop (each client starts its next action when the last one is answered, so the server's
slowness slows the clients down) and open loop (`rate`: actions arrive on a schedule, a Poisson process spread
over the clients, whether or not earlier ones were answered, as a clinic's traffic does; a form walk's pages
follow each other, paced by `think`). In the open loop the first request of an action is timed from its
scheduled arrival, so a queue in the load generator counts against the latency instead of hiding it.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from suitability.web.patient.questions import PAGES, Page

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
ACTIONS = ("screen", "store", "form")


@dataclass
class Tally:
    """What the clients saw: latencies (seconds) by request kind, errors by kind and cause, acknowledgements."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    api_acks: dict[str, str] = field(default_factory=dict)     # client Idempotency-Key -> case id
    web_acks: dict[str, str] = field(default_factory=dict)     # submit token -> case id
    api_unanswered: set[str] = field(default_factory=set)      # sent, never acknowledged (may be stored)
    web_unanswered: set[str] = field(default_factory=set)
    after_deadline: int = 0                                    # form requests that finished walks under way
    max_in_flight: int = 0                                     # open loop: most actions under way at once

    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


class Stop(Exception):
    """The run's time is up (raised between requests, never in the middle of one)."""


@dataclass
class Load:
    """One run's settings, shared by every client."""

    base: str
    clients: int
    seconds: float
    think: float = 0.0                     # mean pause between actions and form pages, seconds (0: flat out)
    weights: tuple[float, ...] = (0.4, 0.4, 0.2)
    retry_share: float = 0.1               # stored submissions resent at once under the same key
    api_token: str = ""
    intake: dict[str, Any] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    bare_path: str | None = None           # yardstick mode: every request is one POST here
    rate: float = 0.0                      # open loop: requests/s offered over all clients (0: closed loop)
    tally: Tally = field(default_factory=Tally)
    deadline: float = 0.0
    at_deadline: Callable[[], None] | None = None   # called once, when the measured window closes
    in_flight: int = 0                     # open loop: actions under way now

    async def request(self, http: aiohttp.ClientSession, kind: str, method: str, path: str,
                      expect: int, *, sent: set[str] | None = None, mark: str = "", since: float | None = None,
                      **kwargs: Any) -> tuple[int, str, dict[str, str]]:
        """One request; `mark` goes into `sent` once the request is really on its way. Past the deadline only a
        form walk already under way goes on, so its submission is acknowledged and checked too; a request that
        ends past the deadline is counted apart, not in the figures."""
        if time.monotonic() > self.deadline and not kind.startswith("form"):
            raise Stop
        if sent is not None:
            sent.add(mark)
        started = time.perf_counter() if since is None else since  # since: an open-loop arrival's due time
        try:
            async with http.request(method, self.base + path, allow_redirects=False, **kwargs) as response:
                text = await response.text()
                status, headers = response.status, dict(response.headers)
        except (TimeoutError, aiohttp.ClientError) as exc:
            self._timed(kind, started)
            self.tally.errors[f"{kind}: {type(exc).__name__}"] += 1
            raise _Failed from exc
        self._timed(kind, started)
        if status != expect:
            self.tally.errors[f"{kind}: HTTP {status}"] += 1
            raise _Failed
        return status, text, headers

    def _timed(self, kind: str, started: float) -> None:
        if time.monotonic() <= self.deadline:
            self.tally.latencies[kind].append(time.perf_counter() - started)
        else:
            self.tally.after_deadline += 1

    async def client(self, number: int, connector: aiohttp.BaseConnector) -> None:
        """Closed loop: one action after another until the deadline, with a pause between them."""
        rng = random.Random(number)
        async with aiohttp.ClientSession(connector=connector, connector_owner=False, timeout=TIMEOUT) as api:
            while time.monotonic() < self.deadline:
                await self.act(api, connector, rng)
                await self.pause(rng)

    async def arrivals(self, number: int, connector: aiohttp.BaseConnector) -> None:
        """Open loop: this client's share of the arrivals (Poisson, rate / clients), each action started when it
        is due whether or not the earlier ones were answered; the first request is timed from that moment."""
        rng = random.Random(number)
        per_second = self.rate / self.requests_per_action() / self.clients
        under_way: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession(connector=connector, connector_owner=False, timeout=TIMEOUT) as api:
            due = time.monotonic() + rng.expovariate(per_second)
            while due < self.deadline:
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                since = time.perf_counter() - max(0.0, time.monotonic() - due)  # late start counts as waiting
                task = asyncio.create_task(self.act(api, connector, rng, since=since))
                under_way.add(task)
                task.add_done_callback(under_way.discard)
                self.in_flight += 1
                self.tally.max_in_flight = max(self.tally.max_in_flight, self.in_flight)
                task.add_done_callback(self._landed)
                due += rng.expovariate(per_second)
            await asyncio.sleep(max(0.0, self.deadline - time.monotonic()))  # the window lasts its whole length
            await asyncio.gather(*under_way)

    def _landed(self, _: object) -> None:
        self.in_flight -= 1

    def requests_per_action(self) -> float:
        """The mean number of requests one action makes: the open loop offers rate / this actions a second."""
        if self.bare_path:
            return 1.0
        form = 2 * len(PAGES) + 5  # home, start, each page got and posted, check, send, result
        per_action = (1.0, 1.0 + self.retry_share, float(form))
        return sum(w * n for w, n in zip(self.weights, per_action, strict=True)) / sum(self.weights)

    async def act(self, api: aiohttp.ClientSession, connector: aiohttp.BaseConnector, rng: random.Random,
                  since: float | None = None) -> None:
        """One action chosen by weight (or the bare POST); a failure is counted and the client moves on."""
        action = "bare" if self.bare_path else rng.choices(ACTIONS, self.weights)[0]
        try:
            if action == "bare":
                await self.request(api, "bare", "POST", str(self.bare_path), 200, json={"intake": self.intake},
                                   since=since)
            elif action == "screen":
                await self.screen(api, since)
            elif action == "store":
                await self.store(api, rng.random() < self.retry_share, since)
            else:  # a patient: a cookie jar of their own, as in a browser
                async with aiohttp.ClientSession(connector=connector, connector_owner=False, timeout=TIMEOUT,
                                                 cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
                    await self.walk_form(browser, rng, since)
        except (Stop, _Failed):
            pass

    async def pause(self, rng: random.Random) -> None:
        """A person's pause (exponential, mean `think`): between actions, and on each form page before sending."""
        if self.think:
            await asyncio.sleep(rng.expovariate(1 / self.think))

    def _auth(self, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.api_token}"}
        return {**headers, "Idempotency-Key": key} if key else headers

    async def screen(self, http: aiohttp.ClientSession, since: float | None = None) -> None:
        await self.request(http, "api-screen", "POST", "/api/v1/screenings", 200,
                           json={"intake": self.intake, "store": False}, headers=self._auth(), since=since)

    async def store(self, http: aiohttp.ClientSession, resend: bool, since: float | None = None) -> None:
        key = f"load-{uuid.uuid4().hex}"
        body = {"intake": self.intake, "store": True}
        _, text, _ = await self.request(http, "api-store", "POST", "/api/v1/screenings", 201, json=body,
                                        headers=self._auth(key), sent=self.tally.api_unanswered, mark=key,
                                        since=since)
        case_id = _case_id(text)
        self.tally.api_acks[key] = case_id
        self.tally.api_unanswered.discard(key)
        if resend:
            _, text, headers = await self.request(http, "api-resend", "POST", "/api/v1/screenings", 201,
                                                  json=body, headers=self._auth(key))
            if headers.get("Idempotent-Replayed") != "true" or _case_id(text) != case_id:
                self.tally.errors["api-resend: a different case"] += 1

    async def walk_form(self, browser: aiohttp.ClientSession, rng: random.Random, since: float | None = None) -> None:
        _, html, _ = await self.request(browser, "form-page", "GET", "/", 200, since=since)
        await self.request(browser, "form-post", "POST", "/start", 302,
                           data={"consent": "yes", "csrf_token": _find(CSRF, html)})
        for page in PAGES:
            _, html, _ = await self.request(browser, "form-page", "GET", f"/questions/{page.slug}", 200)
            await self.pause(rng)
            await self.request(browser, "form-post", "POST", f"/questions/{page.slug}", 302,
                               data=[*_fields(page, self.form), ("csrf_token", _find(CSRF, html))])
        _, html, _ = await self.request(browser, "form-page", "GET", "/check", 200)
        token = _find(TOKEN, html)
        _, _, headers = await self.request(browser, "form-submit", "POST", "/submit", 303,
                                           data={"token": token, "csrf_token": _find(CSRF, html)},
                                           sent=self.tally.web_unanswered, mark=token)
        self.tally.web_acks[token] = headers["Location"].rstrip("/").rsplit("/", 1)[1]
        self.tally.web_unanswered.discard(token)
        await self.request(browser, "form-page", "GET", headers["Location"], 200)

    async def run(self) -> float:
        """Run every client until the deadline, then let walks under way finish; returns the seconds of grace."""
        # Open loop: no cap that would make arrivals wait for a free connection out of the server's sight.
        connector = aiohttp.TCPConnector(limit=0 if self.rate else self.clients + 10, force_close=False)
        started = time.monotonic()
        self.deadline = started + self.seconds
        if self.at_deadline is not None:
            asyncio.get_running_loop().call_later(self.seconds, self.at_deadline)
        each = self.arrivals if self.rate else self.client
        # The generator's own cycle collections (its tallies and aiohttp's objects grow all run) would stall
        # every client at once for tens of milliseconds and count as the server's latency: none until the end.
        gc.disable()
        try:
            await asyncio.gather(*(each(n, connector) for n in range(self.clients)))
        finally:
            await connector.close()
            gc.enable()
            gc.collect()
        return time.monotonic() - self.deadline


TIMEOUT = aiohttp.ClientTimeout(total=60)


class _Failed(Exception):
    """This action failed (counted in the errors); the client moves on to its next action."""


def _find(pattern: re.Pattern[str], html: str) -> str:
    match = pattern.search(html)
    if not match:
        raise _Failed
    return match.group(1)


def _case_id(text: str) -> str:
    return str(json.loads(text)["case"]["id"])


def _fields(page: Page, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The form fields a person fills on `page` to give the answers in `data` (intake JSON names)."""
    form: list[tuple[str, str]] = []
    for question in page.all_questions():
        value = data.get(question.name)
        if value is None:
            continue
        if question.kind == "treatments":
            for i, item in enumerate(value):
                form += [(f"{question.name}-{i}-area", item["area"]), (f"{question.name}-{i}-concern", item["concern"])]
        elif question.kind == "areas":
            form += [(question.name, str(v)) for v in value]
        else:
            form.append((question.name, str(value)))
    return form
