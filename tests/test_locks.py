"""The two locks (pyproject.toml says how they are made): production's holds only
what the product needs, the tests' holds the same pins plus the test tools, and
every pin carries its hashes (scripts/install.sh installs with --require-hashes)."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def _name(requirement: str) -> str:
    """PEP 503 normalised name of a requirement such as 'celery[redis]>=5.7'."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def _pins(lock: str) -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes) of each requirement in a lock."""
    pins, current = {}, None
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        if match := PIN.match(line):
            current = _name(match[1])
            pins[current] = (match[2], 0)
        elif "--hash=sha256:" in line and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME, DEV = _pins("runtime.lock"), _pins("dev.lock")


@pytest.mark.parametrize("lock", ["runtime.lock", "dev.lock"])
def test_every_pin_has_its_hashes(lock):
    pins = _pins(lock)
    assert pins
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == []


def test_production_installs_no_test_tool():
    tools = {_name(r) for r in PROJECT["optional-dependencies"]["test"]}
    assert {"pytest", "playwright", "hypothesis", "ruff", "factory-boy", "time-machine"} <= tools
    assert tools & RUNTIME.keys() == set()
    assert {_name(r) for r in PROJECT["dependencies"]} <= RUNTIME.keys()


def test_the_tests_run_on_production_s_pins():
    assert {_name(r) for r in PROJECT["optional-dependencies"]["test"]} <= DEV.keys()
    assert {name: DEV.get(name, ("missing",))[0] for name in RUNTIME} == {n: v for n, (v, _) in RUNTIME.items()}
