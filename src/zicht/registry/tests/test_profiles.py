"""Import profiles: the packaged ones load, a region's folder is found, mistakes name file and key."""

import textwrap

import pytest

from zicht.registry.domain.profile import ProfileError, available_profiles, find_profile, load_profile, profile_dirs

PACKAGED = ["politie-bvh", "veilig-thuis", "wijkteam-signalen"]

MINIMAL = """
[source]
code = "ggd-west"
name = "GGD West"
type = "ggd"

[file]
type = "csv"
delimiter = ";"
record_id = "Id"

[columns]
"report.datum" = "Datum"
"party.rol" = "Rol"

[constants]
"report.kind" = "signaal"
"""


@pytest.mark.parametrize("name", PACKAGED)
def test_packaged_profiles_load(name):
    profile = find_profile(name)
    assert profile.name == name
    assert len(profile.sha256) == 64
    assert profile.mapped("report.datum") and profile.mapped("party.rol") and profile.mapped("report.kind")


def test_politie_profile_maps_partner_wording_to_vocab_codes():
    profile = find_profile("politie-bvh")
    assert profile.values["party.rol"]["verdachte"] == "pleger"
    assert profile.values["report.letsel"]["j"] is True
    assert profile.values["report.aard"]["geweld tegen ouder(s)"] == "geweld_tegen_ouders"
    assert profile.constants["report.kind"] == "incident"


def test_region_folder_from_environment_adds_and_overrides(tmp_path, monkeypatch):
    (tmp_path / "ggd-west.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "politie-bvh.toml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setenv("ZICHT_PROFILE_DIRS", str(tmp_path))
    assert tmp_path in profile_dirs()
    found = available_profiles()
    assert found["ggd-west"] == tmp_path / "ggd-west.toml"
    assert found["politie-bvh"] == tmp_path / "politie-bvh.toml"  # the region's own version wins
    assert find_profile("ggd-west").source_type == "ggd"


def test_unknown_profile_lists_the_available_ones():
    with pytest.raises(ProfileError) as exc:
        find_profile("bestaat-niet")
    assert "bestaat-niet" in str(exc.value) and "politie-bvh" in str(exc.value)


def _with(replace: tuple[str, str] | None = None, append: str = "") -> str:
    text = MINIMAL if replace is None else MINIMAL.replace(*replace)
    return text + textwrap.dedent(append)


@pytest.mark.parametrize(
    "content, expected",
    [
        (_with(append='\n[values."party.rol"]\nVerdachte = "dader"\n'), ("[values.\"party.rol\"] 'Verdachte'", "onbekende code")),
        (_with(('"report.datum" = "Datum"', '"report.datumm" = "Datum"')), ("[columns] 'report.datumm'", "onbekend doelveld")),
        (_with(('type = "ggd"', 'type = "gggd"')), ("[source] type", "onbekend organisatietype")),
        (_with(('record_id = "Id"', "")), ("[file] record_id", "ontbreekt")),
        (_with(('delimiter = ";"', 'delimiter = ";;"')), ("[file] delimiter", "één teken")),
        (_with(('type = "csv"', 'type = "json"')), ("[file] type", "csv")),
        (_with(('record_id = "Id"', 'record_id = "Id"\nencoding = "klingon-8"')), ("[file] encoding", "tekencodering")),
        (_with(('record_id = "Id"', 'record_id = "Id"\ndate_formats = ["dutch"]')), ("[file] date_formats", "unknown date format")),
        (_with(('"party.rol" = "Rol"', "")), ("[columns]", "party.rol")),
        (_with(append='\n[values."report.letsel"]\nJ = "ja"\n'), ("[values.\"report.letsel\"] 'J'", "true of false")),
        (_with(append='\n[values."person.achternaam"]\nX = "y"\n'), ('[values."person.achternaam"]', "codevelden")),
        (_with(append='\n[validation]\nrequired = ["person.bsn"]\n'), ("[validation] required 'person.bsn'", "niet in [columns]")),
        (_with(append='\n[lists]\n"report.aard" = "|"\n'), ("[lists] 'report.aard'", "meerdere codes")),
        (_with(append="\n[mapping]\nx = 1\n"), ("mapping", "onbekende sleutel")),
        (
            _with(('"report.datum" = "Datum"', '"report.datum" = "Datum"\n"person.naam" = "Naam"\n"person.achternaam" = "Achternaam"')),
            ("'person.naam'", "niet beide"),
        ),
        (_with(('"report.kind" = "signaal"', '"report.kind" = "sinjaal"')), ("[constants] 'report.kind'", "onbekende code")),
        ("[source\ncode = 1", ("geen geldige TOML", "")),
        (MINIMAL.replace("[source]", 'name = "iets-anders"\n[source]', 1), ("name", "bestandsnaam")),
    ],
)
def test_invalid_profile_names_file_and_key(tmp_path, content, expected):
    path = tmp_path / "regio-test.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    message = str(exc.value)
    assert message.startswith("regio-test.toml")
    for part in expected:
        assert part in message


def test_minimal_profile_is_valid(tmp_path):
    path = tmp_path / "ggd-west.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    profile = load_profile(path)
    assert profile.date_formats == ("nl", "iso")
    assert profile.encoding == "utf-8"
