"""Staff of several roles at work (make loadtest; loadtest/run.py starts the server and reads the results).

Each simulated person signs in once with a real account of one of two authorities, then works as a person
would, pausing 2-8 s between actions: a social worker reads their worklist, opens their children and
records contacts and ratings; a team manager reads their team's page and the deadlines; a head of
service reads the cohort page and searches the register. Every write the server acknowledged (a redirect
to the child's page) is listed in LOAD_ACK_FILE, for run.py to find in the database afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

LONDON = ZoneInfo("Europe/London")
PASSWORD = os.environ.get("LOAD_PASSWORD", "continuity-demo-2020")
ACCOUNTS: dict[str, list[dict[str, Any]]] = json.loads(os.environ.get("LOAD_ACCOUNTS", "{}") or "{}")
_TURN = {role: itertools.count() for role in ("social_worker", "team_manager", "head_of_service")}
_ACKED: list[dict[str, Any]] = []
_LOCK = threading.Lock()
CHILD_LINK = re.compile(r'href="/children/(\d+)/"')
SEARCHES = ["smith", "jones", "khan", "taylor", "brown", "ali", "wilson", "evans", "patel", "moore"]


def _account(role: str) -> dict[str, Any]:
    accounts = ACCOUNTS[role]
    return accounts[next(_TURN[role]) % len(accounts)]


class Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.account = _account(self.role)
        self.client.get("/sign-in", name="sign-in page")
        with self.client.post(
            "/sign-in",
            {
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf(),
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"sign-in refused for {self.account['username']}")

    def csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))


class SocialWorker(Staff):
    weight = 7
    role = "social_worker"
    children: list[str] = []

    @task(4)
    def worklist(self) -> None:
        response = self.client.get("/worklist/", name="worklist")
        found = CHILD_LINK.findall(response.text)
        if found:
            self.children = list(dict.fromkeys(found))

    @task(4)
    def open_child(self) -> None:
        if self.children:
            self.client.get(f"/children/{random.choice(self.children)}/", name="child page")

    @task(2)
    def record_contact(self) -> None:
        if not self.children:
            return
        child = random.choice(self.children)
        self.client.get(f"/children/{child}/contacts/new", name="contact form")
        day = datetime.now(LONDON).date() - timedelta(days=random.randint(1, 3))
        marker = str(uuid.uuid4())
        with self.client.post(
            f"/children/{child}/contacts/new",
            {
                "csrfmiddlewaretoken": self.csrf(),
                "occurred_on_0": str(day.day),
                "occurred_on_1": str(day.month),
                "occurred_on_2": str(day.year),
                "occurred_time": f"{random.randint(8, 9)}:{random.randint(10, 59)}",
                "mode": random.choice(["home", "home", "doorstep"]),
                "child_seen": "yes",
                "child_seen_alone": "yes",
                "bedroom_seen": "yes",
                "who_was_seen": "The child and their carer",
                "outcome": f"Seen at home; all well (load {marker})",
            },
            name="record contact",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and response.headers.get("Location") == f"/children/{child}/":
                with _LOCK:
                    _ACKED.append({"kind": "contact", "child": int(child), "marker": marker})
                response.success()
            else:
                response.failure(f"contact not saved: {response.status_code}")

    @task(1)
    def rate(self) -> None:
        if not self.children:
            return
        child = random.choice(self.children)
        self.client.get(f"/children/{child}/rating", name="rating form")
        marker = str(uuid.uuid4())
        rationale = f"Reviewed on a visit; family engaging (load {marker})"
        with self.client.post(
            f"/children/{child}/rating",
            {
                "csrfmiddlewaretoken": self.csrf(),
                "rating": random.choice(["amber", "green"]),
                "factors": ["overcrowding"],
                "rationale": rationale,
                "childs_views": "Says things are fine at home",
                "family_strengths": "Grandparents nearby",
                "interval_amount": "1",
                "interval_unit": "weeks",
                "face_to_face_every": "1",
                "modes": ["home", "doorstep"],
            },
            name="record rating",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with _LOCK:
                    _ACKED.append({"kind": "rating", "child": int(child), "marker": marker})
                response.success()
            else:
                response.failure(f"rating not saved: {response.status_code}")


class TeamManager(Staff):
    weight = 2
    role = "team_manager"

    @task(3)
    def team_page(self) -> None:
        team = self.account.get("team_id")
        if team:
            self.client.get(f"/oversight/team/{team}/", name="team oversight")

    @task(2)
    def deadlines(self) -> None:
        self.client.get("/deadlines/", name="deadlines")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")


class HeadOfService(Staff):
    weight = 1
    role = "head_of_service"

    @task(2)
    def cohort(self) -> None:
        self.client.get("/oversight/", name="cohort")

    @task(2)
    def search(self) -> None:
        self.client.get(f"/children/?q={random.choice(SEARCHES)}", name="child search")

    @task(1)
    def sitrep(self) -> None:
        self.client.get("/oversight/sitrep", name="sitrep")


@events.quitting.add_listener
def _write_acknowledged(environment: Any, **kwargs: Any) -> None:
    path = os.environ.get("LOAD_ACK_FILE")
    if path:
        with _LOCK, open(path, "w", encoding="utf-8") as out:
            json.dump(_ACKED, out)
