"""Auto Scaling as a manual scale meets it: what the service pane already read, reading it when
it did not, and what Auto Scaling will do to the count asked for (the scale flow and dialog)."""

from __future__ import annotations

import asyncio

from aws import autoscaling
from aws.autoscaling import Scaling
from aws.models import Service
from aws.session import Clients
from tui.text import clean

#: Where the scale dialog says nothing about Auto Scaling: it could not be read.
UNKNOWN = None


def known_scaling(screen: object, service: Service) -> Scaling | None:
    """What the service pane read in the last minute about this service, if it is that pane."""
    known = getattr(screen, "scaling", None)
    shown = getattr(screen, "service", None)
    if isinstance(known, Scaling) and isinstance(shown, Service) and shown.arn == service.arn:
        return known
    return None


async def read_for_scale(clients: Clients, service: Service) -> Scaling | None:
    """The range and policies the scale dialog warns about (activities not needed); None when
    they cannot be read (a denied call must not stop a scale)."""
    cluster = service.cluster_arn.rsplit("/", 1)[-1]
    try:
        return await autoscaling.read_scaling(clients, cluster, service.name, activities=False)
    except asyncio.CancelledError:
        raise
    except Exception:
        return UNKNOWN


def scale_warnings(scaling: Scaling | None, desired: int) -> list[str]:
    """What Auto Scaling will do to a manual desired count, in words (empty: nothing)."""
    if scaling is None or not scaling.registered:
        return []
    out = []
    back = scaling.clamp(desired)
    if back is not None:
        out.append(
            f"⚠ outside the Auto Scaling range {scaling.min_capacity}-{scaling.max_capacity}: "
            f"autoscaling will move it back to {back}"
        )
    if scaling.tracking:
        names = ", ".join(clean(p.name, 40) for p in scaling.policies)
        out.append(f"⚠ scaling policy attached ({names}): a policy may change it")
    return out
