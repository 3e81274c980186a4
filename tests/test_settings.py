"""Settings read from the environment: the console log level, the outbox's sender."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# The checkout's own code, whichever checkout an installed package points at.
SRC = str(Path(__file__).resolve().parents[1] / "src")

LOG_BOTH = (
    "import django, logging; django.setup(); "
    "logging.getLogger('django.request').warning('Not Found: /nowhere'); "
    "logging.getLogger('frontdoor.intake').error('the outbox could not send')"
)


def _console(level: str, **settings: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": SRC,
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings",
        "FRONTDOOR_VAR_DIR": tempfile.mkdtemp(),
        "FRONTDOOR_LOG_LEVEL": level,
        **settings,
    }
    return subprocess.run(
        [sys.executable, "-c", LOG_BOTH], env=env, capture_output=True, text=True, check=False
    )


def test_djangos_warnings_obey_the_log_level_like_front_doors_own():
    quiet = _console("ERROR")
    assert quiet.returncode == 0, quiet.stderr
    assert "Not Found" not in quiet.stderr
    assert "the outbox could not send" in quiet.stderr


def test_each_message_is_written_once():
    chatty = _console("warning")
    assert chatty.returncode == 0, chatty.stderr
    assert chatty.stderr.count("Not Found: /nowhere") == 1
    assert chatty.stderr.count("the outbox could not send") == 1


def test_an_unknown_level_is_refused_with_the_levels_allowed():
    wrong = _console("LOUD")
    assert wrong.returncode != 0
    assert "FRONTDOOR_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'LOUD'" in (
        wrong.stderr
    )


def test_sending_through_notify_needs_a_whole_key_and_an_email_template():
    refused = _console("ERROR", FRONTDOOR_OUTBOX_SENDER="notify")
    assert refused.returncode != 0
    assert "FRONTDOOR_NOTIFY_API_KEY must be the whole key" in refused.stderr
    key = "frontdoor_test-" + "1" * 36 + "-" + "2" * 36
    refused = _console("ERROR", FRONTDOOR_OUTBOX_SENDER="notify", FRONTDOOR_NOTIFY_API_KEY=key)
    assert "FRONTDOOR_NOTIFY_TEMPLATES must name an email template" in refused.stderr
    started = _console(
        "ERROR",
        FRONTDOOR_OUTBOX_SENDER="notify",
        FRONTDOOR_NOTIFY_API_KEY=key,
        FRONTDOOR_NOTIFY_TEMPLATES="email=abc, sms=def, referrer_feedback.sms=ghi",
    )
    assert started.returncode == 0, started.stderr


def test_an_unknown_sender_is_refused():
    refused = _console("ERROR", FRONTDOOR_OUTBOX_SENDER="pigeon")
    assert "FRONTDOOR_OUTBOX_SENDER must be django or notify" in refused.stderr


def test_hand_off_webhooks_are_named_per_council_and_checked_whole():
    webhook = {"url": "https://lcs.example/handoffs", "secret": "whsec_x"}
    both = json.dumps({"lcs": webhook, "lewisham": {"lcs": webhook}})
    started = _console("ERROR", FRONTDOOR_HANDOFF_WEBHOOKS=both)
    assert started.returncode == 0, started.stderr
    for wrong in ({"lewisham": {"lcs": {"url": "https://lcs.example"}}}, {"lcs": "https://x"}):
        refused = _console("ERROR", FRONTDOOR_HANDOFF_WEBHOOKS=json.dumps(wrong))
        assert refused.returncode != 0
        assert "each council named to its own record systems' url and secret" in refused.stderr
