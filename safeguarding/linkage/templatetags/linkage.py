"""The "known across agencies" panel for the person page."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from safeguarding.linkage.queries import known_across_agencies as holdings_for
from safeguarding.people.models import Person

register = template.Library()


@register.simple_tag
def known_across_agencies(person: Person) -> SafeString:
    """Agency names and record counts for a person the page has already opened through
    access_person; nothing of the records themselves."""
    return render_to_string(
        "linkage/_known_across_agencies.html", {"holdings": holdings_for(person)}
    )
