"""Template tags for linking to people from other apps' pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from frontdoor.accounts.permissions import can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from frontdoor.accounts.models import User

register = template.Library()


@register.simple_tag
def may(user: User | AnonymousUser, action: str) -> bool:
    """Whether `user` may do `action`, so a page offers only the links its reader can follow."""
    return can(user, action)
