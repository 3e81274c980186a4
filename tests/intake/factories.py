"""Submissions as a referrer or a member of staff would make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from frontdoor.intake.submissions import Submission


def submission_data(**overrides: Any) -> dict[str, Any]:
    """A professional's referral about two siblings, as plain data (what a form or API sends)."""
    data: dict[str, Any] = {
        "referrer": {
            "type": "professional",
            "name": "Pat Referrer",
            "agency": "Litherland High School",
            "role": "Designated safeguarding lead",
            "phone": "0151 000 0000",
            "email": "pat@school.example",
        },
        "children": [
            {
                "first_name": "Ellis",
                "last_name": "Examplechild",
                "date_of_birth": "2015-03-02",
                "gender": "male",
                "postcode": "L21 7PQ",
            },
            {
                "first_name": "Robin",
                "last_name": "Examplechild",
                "date_of_birth": "2018-09-14",
                "gender": "female",
                "postcode": "L21 7PQ",
            },
        ],
        "adults": [
            {
                "first_name": "Jo",
                "last_name": "Examplechild",
                "relationship_to_child": "Mother",
                "parental_responsibility": "yes",
                "lives_with_child": "yes",
            },
        ],
        "concern": {
            "worry": "Ellis arrived with a bruise and said Mum's partner hit him.",
            "working_well": "Attends school every day.",
            "immediate_protection_needed": "no",
            "domestic_abuse": "yes",
        },
        "consent": {"consent": "given"},
        "referrer_level_of_need": 3,
    }
    data.update(overrides)
    return data


def make_submission(**overrides: Any) -> Submission:
    return Submission.model_validate(submission_data(**overrides))


def unborn_child(days_from_now: int = 120, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    return {
        "unborn": True,
        "expected_date_of_birth": (today + dt.timedelta(days=days_from_now)).isoformat(),
    }
