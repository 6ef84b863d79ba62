"""The evaluated side: entities, the services they offer, and their service centres."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

Localised = Mapping[str, str]
"""Text in several languages: language code -> text."""


@frozen
class Service:
    """A service an entity provides; ``linked_services`` are those a journey continues into."""

    id: str
    entity: str
    name: Localised
    channels: tuple[str, ...] = ("visit",)
    languages: tuple[str, ...] = ("ar", "en")
    linked_services: tuple[str, ...] = ()


@frozen
class ServiceCentre:
    """A place where an entity's services are given; ``staff`` are the names of the people
    working there, never published: reports redact them from shoppers' comments."""

    id: str
    entity: str
    name: Localised
    city: str | None = None
    services: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("ar", "en")
    staff: tuple[str, ...] = ()


@frozen
class Entity:
    """A government body, or a private company taking part in a programme."""

    id: str
    name: Localised
    sector: str = "government"


@frozen
class Directory:
    """Everything that can be evaluated: entities, services and centres, as one file."""

    entities: tuple[Entity, ...] = ()
    services: tuple[Service, ...] = ()
    centres: tuple[ServiceCentre, ...] = ()
