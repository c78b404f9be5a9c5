from __future__ import annotations

from portal.models import Organisation, OrganisationKind
from portal.roles import Role
from referrals.demo import seed_catalogue
from tests.factories import OrganisationFactory, member


def catalogue_for_darnytskyi(organisations) -> dict[str, Organisation]:
    """The district's subjects and city-wide providers, with the demo's profiles."""
    orgs = dict(organisations)
    for code, kind, districts in [
        ("rda-darnytskyi", OrganisationKind.DISTRICT_ADMINISTRATION, ["darnytskyi"]),
        ("ssd-darnytskyi", OrganisationKind.CHILDREN_SERVICE, ["darnytskyi"]),
        ("shelter-2", OrganisationKind.SHELTER, []),
        ("crisis-room-1", OrganisationKind.CRISIS_ROOM, []),
        ("mobile-team-1", OrganisationKind.MOBILE_TEAM, ["darnytskyi"]),
        ("hospital-1", OrganisationKind.HEALTH_FACILITY, []),
        ("legal-aid-city", OrganisationKind.LEGAL_AID_CENTRE, []),
        ("probation-city", OrganisationKind.PROBATION, []),
    ]:
        orgs[code] = OrganisationFactory(code=code, kind=kind, district_slugs=districts)
    seed_catalogue()
    return orgs


def staff(organisation, username):
    return member(Role.PROVIDER_STAFF, organisation, username)
