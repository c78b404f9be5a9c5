"""Factories of the portal core. Apps keep theirs in tests/<app>/factories.py."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from portal.models import District, Membership, Organisation, OrganisationKind, User
from portal.roles import Role

PASSWORD = "Correct-Horse-42!"


def district(slug: str = "darnytskyi") -> District:
    return District.objects.get(slug=slug)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Організація {n}")
    kind = OrganisationKind.SOCIAL_SERVICES_CENTRE

    @factory.post_generation
    def district_slugs(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(District.objects.filter(slug__in=extracted))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Олена"
    last_name = factory.Sequence(lambda n: f"Петренко{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    # Hashing with Argon2 on every user would dominate the suite; tests log in with force_login
    # except where the password itself is under test.
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIAL_WORKER


def member(role: str, organisation: Organisation, username: str | None = None) -> User:
    """A user acting for `organisation` in `role`."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    user.groups.add(organisation.group)
    return user
