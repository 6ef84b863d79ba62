"""A programme package ships its directory; commands use it when none is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopperkit.cli import main
from shopperkit.io.documents import read_document
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = ROOT / "plugins/shopperkit-qatar-cgb/src/shopperkit_qatar_cgb/directory.json"


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    shoppers = tmp_path / "shoppers.csv"
    shoppers.write_text(
        "id,languages,employer,city\nS-1,ar;en,,Doha\nS-2,en,ent-moph,Doha\nS-3,ar,,Doha\n"
    )
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "centre,service,channel,week,visits,journey\n"
        "ctr-medical-commission,svc-medical-exam,visit,1,2,\n"
        "ctr-traffic-madinat-khalifa,svc-biometrics,visit,1,1,\n"
        "ctr-moci-lusail,svc-commercial-registration,visit,2,1,\n"
    )
    return shoppers, targets


def test_assign_uses_the_programme_directory_when_none_is_given(tmp_path: Path) -> None:
    shoppers, targets = _inputs(tmp_path)
    base = ["assign", "--programme", "qatar-cgb", str(shoppers), str(targets)]
    period = ["--from", "2022-09-04", "--to", "2022-09-17"]
    assert main([*base, *period, "--out", str(tmp_path / "default")]) == 0
    explicit = [*base, *period, "--directory", str(PACKAGED), "--out", str(tmp_path / "given")]
    assert main(explicit) == 0
    for name in ("schedule.csv", "unmet.json"):
        assert (tmp_path / "default" / name).read_bytes() == (
            tmp_path / "given" / name
        ).read_bytes()
    rows = (tmp_path / "default" / "schedule.csv").read_text().splitlines()
    assert len(rows) > 1  # something was scheduled from the packaged directory's centres


def test_without_a_packaged_directory_the_command_asks_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shoppers, targets = _inputs(tmp_path)
    programme = ROOT / "plugins/shopperkit-qatar-cgb/src/shopperkit_qatar_cgb/qatar-cgb.json"
    args = ["assign", "--programme", str(programme), str(shoppers), str(targets)]
    assert main([*args, "--from", "2022-09-04", "--to", "2022-09-17", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--directory" in err
    assert "Traceback" not in err


def test_each_programme_package_ships_the_example_directory(plugins: Plugins) -> None:
    for programme, example in (("qatar-cgb", "qatar"), ("uae", "uae")):
        shipped = Registry(plugins).directory(programme)
        assert shipped is not None
        data = read_document(ROOT / "examples" / example / "directory.json")
        assert {e.id for e in shipped.entities} == {e["id"] for e in data["entities"]}
        assert {s.id for s in shipped.services} == {s["id"] for s in data["services"]}
