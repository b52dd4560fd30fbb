"""No input reaches a 500.

Every URL the resolver knows (a new page cannot escape), as every role and as an anonymous visitor,
with GET and POST: its ids replaced by malformed ones (0, negative, non-numeric, beyond any integer)
and by another unit's (the other township's people ask for 关兴镇's objects); its query string, and
every form the product itself shows, filled with malformed values (non-numeric, huge and negative
numbers, impossible dates, unknown kinds, over-long text). Each answer is a page or a refusal in
Chinese, never a server error; and no number beyond its column's range is stored (SQLite keeps one
PostgreSQL would refuse with "integer out of range")."""

import itertools
import json
import logging
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve

from branches.models import User
from common.dates import demo_year
from tests.security.test_permission_sweep import world  # noqa: F401 (world is the fixture)

HUGE = "99999999999999999999"  # beyond any integer column, and beyond SQLite's 64 bits
OVER_INT = "99999999999"  # fits 64 bits, not PostgreSQL's integer: a count typed with a stuck key
LONG = "长" * 5000
# malformed value → the kind of form field it goes into; the form's other fields keep what the page showed
VALUES = {
    "non-numeric": ("abc", "number"),
    "huge": (HUGE, "number"),
    "over integer": (OVER_INT, "number"),
    "negative": ("-1", "number"),
    "not a date": ("abc", "date"),
    "impossible date": ("2026-02-30", "date"),
    "impossible month": ("2026-13", "month"),
    "over-long": (LONG, "text"),
    "unknown choice": ("bogus", "choice"),
    "not the file asked for": ("abc", "file"),
}
# every name read from a request (query strings, and POST bodies beside the forms shown), all at once
EVERY_NAME_VALUES = {
    "non-numeric": "abc",
    "huge": HUGE,
    "over integer": OVER_INT,
    "negative": "-1",
    "impossible date": "2026-02-30",
}
# a path argument of each converter, malformed
PATH_VALUES = {"int": ("0", "-1", "abc", HUGE), "str": ("bogus", "0", "x" * 300), "slug": ("bogus", "0", "x" * 300)}
ROLES = {
    "county_reviewer": "county",
    "township_staff": "guanxing",
    "branch_secretary": "fani",
    "system_admin": "sysadmin",
    "security_admin": "secadmin",
    "audit_admin": "auditor",
    # another unit's people: every id of 关兴镇 and 法泥村 is another unit's to them
    "other_township_staff": "meishan",
    "other_branch_secretary": "nagu",
    "anonymous": None,
}
# a path the resolver refuses (an int argument that is not digits) never reaches a view, whoever asks
RESOLVER_ROLES = ("township_staff", "anonymous")
# /healthz answers 503 by contract when a part it checks is down (here: no worker's heartbeat)
HEALTH_CHECK = "healthz"
CJK = re.compile("[\u4e00-\u9fff]")
NUMBER = re.compile(r"-?\d+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
APPS = (
    "accounts audit awards branches campaigns common duty_reports home inbox inspections ops ratings records "
    "reports scoring targets"
).split()


def _routes(patterns=None, prefix=""):
    """(name, route) of every URL pattern, through every include (Django's own admin excepted)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            for name, route in _routes(pattern.url_patterns, prefix + str(pattern.pattern)):
                yield (f"{pattern.namespace}:{name}" if pattern.namespace else name), route
        else:
            yield pattern.name, prefix + str(pattern.pattern)


def _fill(route, values):
    return "/" + CONVERTER.sub(lambda m: str(values[m["name"]]), route)


def _malformed_paths(route, own_kwargs):
    """The route with each argument in turn malformed, the others as they are."""
    for m in CONVERTER.finditer(route):
        for value in PATH_VALUES[m["converter"] or "str"]:
            yield f"{m['name']}={value[:20]}", _fill(route, {**own_kwargs, m["name"]: value})


def _names_read_by_views():
    """Every request parameter the product's code reads by name (request.GET/POST.get("…"))."""
    read = re.compile(r"request\.(?:GET|POST)(?:\.get|\.getlist)?[\[(]\s*\"(\w+)\"")
    root = Path(settings.BASE_DIR)
    return {name for app in APPS for source in (root / app).rglob("*.py") for name in read.findall(source.read_text())}


class _Forms(HTMLParser):
    """A page's forms (method, action, fields with their defaults and types) and its links' queries."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links, self._form, self._select, self._textarea = [], [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action", ""), "fields": []}
            self.forms.append(self._form)
        elif tag == "a" and "?" in a.get("href", ""):
            self.links.append(a["href"])
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value", "")
        if self._form is None or not a.get("name"):
            return
        kind = a.get("type", "text" if tag == "input" else "submit").lower()
        if tag in ("input", "button") and kind == "submit":
            # the button a browser sends when the form is submitted by Enter: the first
            if not self._form.get("button"):
                self._form["button"] = True
                self._form["fields"].append([a["name"], a.get("value", ""), "button"])
        elif tag == "input":
            if kind in ("button", "image", "reset") or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self._form["fields"].append([a["name"], a.get("value", ""), kind])
        elif tag == "select":
            self._select = [a["name"], None, "choice"]
            self._form["fields"].append(self._select)
        elif tag == "textarea":
            self._textarea = [a["name"], "", "textarea"]
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _kind(field_type, default):
    if field_type == "number" or (field_type in ("hidden", "text", "choice") and NUMBER.fullmatch(default or "")):
        return "number"
    if field_type == "date" or DATE.fullmatch(default or ""):
        return "date"
    if field_type == "month":
        return "month"
    if field_type in ("text", "textarea", "search", "email", "tel", "url", "password"):
        return "text"
    return "file" if field_type == "file" else "choice"


def _forms_of(html, page_url):
    """The page's POST forms as (target, fields) and the query names its GET forms and links use."""
    parser = _Forms()
    parser.feed(html)
    posts, query_names = [], set()
    for form in parser.forms:
        fields = tuple(
            (name, default or "", kind if kind == "button" or name == "csrfmiddlewaretoken" else _kind(kind, default))
            for name, default, kind in form["fields"]
        )
        if form["method"] == "post":
            posts.append((form["action"] if form["action"].startswith("/") else page_url, fields))
        else:
            query_names.update(name for name, _default, _kind_ in fields)
    for link in parser.links:
        query_names.update(name for name, _value in parse_qsl(urlsplit(link).query))
    return posts, query_names


def _bodies(fields):
    """One body per malformed value whose kind the form has: that kind's fields malformed, the rest as shown."""
    for label, (value, kind) in VALUES.items():
        if all(field_kind != kind for _n, _d, field_kind in fields):
            continue
        body = defaultdict(list)
        for name, default, field_kind in fields:
            if field_kind == "file":
                body[name] = SimpleUploadedFile("x.xlsx", value.encode()) if kind == "file" else ""
            else:
                body[name].append(value if kind == field_kind else default)
        malformed = ",".join(sorted({name for name, _d, field_kind in fields if field_kind == kind}))
        body = {name: v[0] if isinstance(v, list) and len(v) == 1 else v for name, v in body.items()}
        yield f"{label} in {malformed[:60]}", body
    # one number at a time beyond its column: the other numbers' errors must not hide one that is stored
    numbers = [name for name, _d, field_kind in fields if field_kind == "number"]
    for number in _some(numbers) if len(numbers) > 1 else ():
        body = defaultdict(list)
        for name, default, *_ in fields:
            body[name].append(OVER_INT if name == number else default)
        yield f"over integer in {number} alone", {name: v[0] if len(v) == 1 else v for name, v in body.items()}


def _some(names, most=40):
    """At most ``most`` of a form's names, taken in turn from each shape of name ("p-12-1.1" is
    "p-#-#.#"): a page of 500 members' ratings is 40 requests, a sheet's 31 items all of them."""
    shapes = defaultdict(list)
    for name in names:
        shapes[re.sub(r"\d+", "#", name)].append(name)
    taken = [name for row in itertools.zip_longest(*shapes.values()) for name in row if name is not None]
    return taken[:most]


def _chinese(response) -> bool:
    body = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return bool(CJK.search(body))


def _refused_at_the_door(response) -> bool:
    return response.status_code in (403, 404) or (response.status_code == 302 and "/accounts/login/" in response.url)


def _range(field):
    """The range of an integer column on PostgreSQL (SQLite's is 64 bits whatever the field)."""
    if isinstance(field, models.AutoField):
        return None, None
    return BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type(), (None, None))


def _out_of_range():
    """Stored integers beyond their column's range on PostgreSQL (SQLite keeps them silently)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            low, high = _range(field)
            if low is not None:
                beyond = model._default_manager.filter(
                    models.Q(**{f"{field.name}__lt": low}) | models.Q(**{f"{field.name}__gt": high})
                )
                found += [f"{model._meta.label}.{field.name} = {getattr(row, field.attname)}" for row in beyond[:3]]
    return found


class _Sweep:
    def __init__(self):
        self.tried, self.errors, self.english, self.stored = 0, [], [], []
        self.asking = ""
        self.clients = {}
        for role, username in ROLES.items():
            self.clients[role] = Client(raise_request_exception=False)
            if username:
                self.clients[role].force_login(User.objects.get(username=username))

    def ask(self, role, method, url, data=None, label=""):
        client = self.clients[role]
        self.asking = f"{role} {method.upper()} {url[:100]} {label}".strip()
        response = getattr(client, method)(url, data or {})
        self.tried += 1
        where = self.asking
        if response.status_code >= 500 and not (url == f"/{HEALTH_CHECK}" and response.status_code == 503):
            self.errors.append(f"{where} → {response.status_code}")
        elif 400 <= response.status_code < 500 and not _chinese(response):
            self.english.append(f"{where} → {response.status_code}")
        if method == "post" and response.status_code < 400:  # a refusal changed nothing
            self._keep_the_cast(role)
        return response

    def check_saved(self, sender, instance, **kwargs):
        """Each save, checked as PostgreSQL would: a number beyond its column is a 500 there."""
        for field in sender._meta.concrete_fields:
            low, high = _range(field)
            value = getattr(instance, field.attname, None)
            if low is not None and isinstance(value, int) and not low <= value <= high:
                self.stored.append(f"{self.asking} saved {sender._meta.label}.{field.name} = {value}")

    def _keep_the_cast(self, role):
        """The system administrator's own form switches accounts off, the logout form signs out:
        each role keeps its account and its session."""
        User.objects.filter(username__in=[name for name in ROLES.values() if name], is_active=False).update(
            is_active=True
        )
        if ROLES[role] and "_auth_user_id" not in self.clients[role].session:
            self.clients[role].force_login(User.objects.get(username=ROLES[role]))


def _targets(sweep_world):
    """(name, route, arguments) of every URL: once with the unit's object the permission sweep made for
    it, and again with an open sheet (the world's own is submitted), so that entries are parsed too."""
    from scoring.models import Framework
    from scoring.services import score_sheet_create

    sheet = score_sheet_create(
        framework=Framework.objects.filter(code="wuhao").latest("pk"),
        branch=sweep_world.things["branch"],
        stage="self_assessment",
        year=demo_year(),
        actor=None,
    )
    for name, route in _routes():
        if "<" not in route:
            yield name, route, {}
            continue
        yield name, route, sweep_world.objects[name][0]
        if name.startswith("scoring:sheet_") and name != "scoring:sheet_create" or name == "scoring:evidence_upload":
            yield name, route, {"pk": sheet.pk}


@pytest.fixture
def sweep(world, caplog):  # noqa: F811
    caplog.set_level(logging.CRITICAL, logger="django.request")  # thousands of refusals, each logged
    sweep = _Sweep()
    pre_save.connect(sweep.check_saved, dispatch_uid="no-server-errors")
    yield sweep
    pre_save.disconnect(dispatch_uid="no-server-errors")
    cache.clear()  # the public notices' rate limits, spent by the sweep


def test_no_input_reaches_a_server_error(world, sweep):  # noqa: F811
    targets = list(_targets(world))

    # every page as it is, for each role: who gets past the door, the forms each is shown, the queries in use
    forms = {role: defaultdict(set) for role in ROLES}
    door_open, pages, query_names = defaultdict(set), defaultdict(set), _names_read_by_views()
    for role in ROLES:
        for _name, route, arguments in targets:
            url = _fill(route, arguments)
            response = sweep.ask(role, "get", url)
            if not _refused_at_the_door(response):
                door_open[role].add(url)
            if response.status_code == 200:
                pages[role].add(url)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                posts, names = _forms_of(response.content.decode(errors="replace"), url)
                query_names |= names
                for target, fields in posts:
                    forms[role][urlsplit(target).path].add((target, fields))

    for _name, route, arguments in targets:
        for label, url in _malformed_paths(route, arguments):
            try:
                resolve(urlsplit(url).path)
            except Resolver404:
                askers = RESOLVER_ROLES
            else:
                askers = ROLES
            for role in askers:
                sweep.ask(role, "get", url, label=label)
                sweep.ask(role, "post", url, label=label)
    for role in ROLES:
        for _name, route, arguments in targets:
            url = _fill(route, arguments)
            if url not in door_open[role]:
                continue
            for label, value in EVERY_NAME_VALUES.items():
                every_name = dict.fromkeys(sorted(query_names), value)
                if url in pages[role]:
                    sweep.ask(role, "get", url, every_name, label=f"?…={label}")
                sweep.ask(role, "post", url, every_name, label=f"every name: {label}")
            for target, fields in sorted(forms[role].get(url, ()), key=repr):
                for label, body in _bodies(fields):
                    sweep.ask(role, "post", target, body, label=f"its form: {label}")

    stored = sweep.stored + _out_of_range()
    summary = (
        f"{sweep.tried} URL × role × method × input combinations ({len(targets)} URLs of "
        f"{len({name for name, *_ in targets})} patterns, {len(ROLES)} roles, "
        f"GET and POST): {len(sweep.errors)} server errors, {len(sweep.english)} refusals without Chinese, "
        f"{len(stored)} numbers stored beyond their column"
    )
    print("\n" + summary)
    assert (sweep.errors, sweep.english, stored) == ([], [], []), "\n".join(
        [summary, *sweep.errors, *sweep.english, *stored]
    )
