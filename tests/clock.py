"""The suite's clock: the whole session on a day of your choosing.

    TEST_TODAY=2027-01-04 bash scripts/test.sh

runs every test on that day in Asia/Shanghai, from 09:00, the clock ticking
(time-machine travels for the whole session; tests/conftest.py starts it before
any test module is imported). A time may be given too, e.g.
TEST_TODAY=2026-12-31T23:30+08:00 to cross midnight during the run. Without
TEST_TODAY the clock is the real one.

Processes a test starts (Celery workers, gunicorn) keep the same clock: start
them as ``[*python_m("celery"), ...]`` with ``child_env(env)``. The child runs
this module first, which travels by the parent's offset from the real clock
(TEST_CLOCK_OFFSET, seconds) and then runs the module as ``python -m`` would.
Only this test module reads the offset: the product's code and settings know
nothing of it.
"""

import os
import runpy
import sys
import time
from datetime import date, datetime
from datetime import time as time_of_day
from zoneinfo import ZoneInfo

ENV = "TEST_TODAY"
OFFSET_ENV = "TEST_CLOCK_OFFSET"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def destination(value: str) -> datetime:
    """TEST_TODAY's moment: a date is that day at 09:00 in Shanghai; a time without a zone is Shanghai's."""
    try:
        return datetime.combine(date.fromisoformat(value), time_of_day(9), tzinfo=SHANGHAI)
    except ValueError:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def start_session():
    """Travel to TEST_TODAY for the session, the clock ticking; returns the traveller to stop, or None."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    import time_machine

    travel = time_machine.travel(destination(value), tick=True)
    travel.start()
    return travel


def child_env(env: dict) -> dict:
    """``env`` for a child process, with this process's offset from the real clock when it is not the real one."""
    env.pop(OFFSET_ENV, None)
    if "time_machine" in sys.modules:
        import time_machine

        if time_machine.escape_hatch.is_travelling():
            env[OFFSET_ENV] = repr(time.time() - time_machine.escape_hatch.time.time())
    return env


def python_m(module: str) -> list[str]:
    """The command line of ``python -m module`` on the clock of ``child_env``."""
    return [sys.executable, "-m", "tests.clock", module]


def _run_module() -> None:
    offset = os.environ.get(OFFSET_ENV)
    if offset:
        import time_machine

        time_machine.travel(time.time() + float(offset), tick=True).start()
    del sys.argv[0]  # the module's own arguments follow its name, as after `python -m module`
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _run_module()
