"""The installed Qatar-style package: found by entry point, conditions as parameters."""

from __future__ import annotations

from datetime import date
from importlib.metadata import entry_points

from shopperkit.eligibility import Screener
from shopperkit.model import Applicant, Residency, Status
from shopperkit.plugins import Plugins
from shopperkit.programmes import available_programmes


def test_entry_point_is_named_qatar_cgb() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="shopperkit")}
    assert names["qatar-cgb"] == "shopperkit_qatar_cgb"


def test_programme_is_provided_by_this_package() -> None:
    plugin, programme = available_programmes(Plugins())["qatar-cgb"]
    assert plugin == "qatar-cgb"
    assert programme.participation == "recruited"
    assert programme.day("reference_date") == programme.day("registration_closes")


def test_a_resident_of_exactly_two_years_aged_exactly_18_is_eligible() -> None:
    plugins = Plugins()
    _, programme = available_programmes(plugins)["qatar-cgb"]
    applicant = Applicant(
        id="edge",
        birth_date=date(2004, 7, 6),
        nationality="Indian",
        residency=Residency("resident", date(2020, 7, 6)),
        declarations=frozenset(d.id for d in programme.declarations),
        applied_on=date(2022, 7, 6),
    )
    assert Screener(programme, plugins).screen(applicant).status is Status.ELIGIBLE
