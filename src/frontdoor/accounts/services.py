"""Creating and changing accounts."""

from __future__ import annotations

from django.db import transaction

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import PARTNER_ROLES, Role
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.policy.registry import current_policy


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    agency_key: str = "",
    team: str = "",
    job_title: str = "",
    by: User | None,
) -> User:
    """Create a staff or partner account with its role (and agency, for a partner agency's user
    or manager)."""
    role = Role(role)
    agency_keys = {agency.key for agency in current_policy().agencies}
    if role in PARTNER_ROLES and agency_key not in agency_keys:
        known = ", ".join(sorted(agency_keys))
        raise DomainError(f"Choose the partner agency this user belongs to (one of: {known}).")
    if role not in PARTNER_ROLES and agency_key:
        raise DomainError("Only partner agency users and managers belong to an agency.")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"The username {username} is taken.")
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        agency_key=agency_key,
        team=team,
        job_title=job_title,
        # Administrators manage accounts through the admin site.
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=by,
        action="account.created",
        target=user,
        changes={"role": role.value, "agency": agency_key, "team": team},
    )
    return user
