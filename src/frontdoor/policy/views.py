from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdoor.accounts.access import allowed
from frontdoor.policy.catalogue import indicators, search_indicators, timescales_in_words
from frontdoor.policy.registry import current_loaded_policy


@allowed("guidance.view")
def guidance(request: HttpRequest) -> HttpResponse:
    """The council's guidance for staff: timescales in words, levels, and searchable indicators."""
    loaded = current_loaded_policy()
    policy = loaded.policy
    query = request.GET.get("q", "").strip()[:200]
    level_param = request.GET.get("level", "")
    level = int(level_param) if level_param in {"1", "2", "3", "4"} else None
    found = search_indicators(policy, query=query, level=level)
    # Group what was found by level, then domain, then sub-domain, for the page.
    grouped: dict[int, dict[str, dict[str, list]]] = {}
    for indicator in found:
        by_domain = grouped.setdefault(indicator.level, {})
        by_domain.setdefault(indicator.domain, {}).setdefault(indicator.subdomain, []).append(
            indicator
        )
    levels = sorted(policy.level_of_need.levels, key=lambda item: item.level)
    context = {
        "loaded": loaded,
        "policy": policy,
        "timescales": timescales_in_words(policy),
        "levels": levels,
        "grouped": [
            (lvl, grouped.get(lvl.level, {})) for lvl in levels if level in (None, lvl.level)
        ],
        "query": query,
        "level": level,
        "found_count": len(found),
        "total_count": len(indicators(policy)),
        "searching": bool(query) or level is not None,
        "own_additions": any(agency.own_addition for agency in policy.agencies),
    }
    return render(request, "policy/guidance.html", context)
