"""Template tags for linking to people from other apps' pages."""

from __future__ import annotations

from django import template

from frontdoor.accounts.permissions import can

register = template.Library()


@register.simple_tag
def may(user, action: str) -> bool:
    """Whether `user` may do `action`, so a page offers only the links its reader can follow."""
    return can(user, action)
