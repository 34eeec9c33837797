"""Loading profiles: the shipped ones, overrides, and bad files refused with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fireline.diseases.loader import (
    ProfileError,
    clear_profile_cache,
    load_profile_file,
    load_profiles,
    shipped_profile_dir,
)

DATA = Path(__file__).parent / "data"
SHIPPED = ("covid19", "measles", "mpox", "ebola", "influenza", "cholera")


def marked_line(path: Path) -> int:
    """The 1-based line of a fixture that ends in the ``# ERROR`` marker."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.rstrip().endswith("# ERROR"))


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    clear_profile_cache()


def test_every_shipped_profile_loads() -> None:
    profiles = load_profiles()
    assert set(SHIPPED) <= set(profiles)
    for code, profile in profiles.items():
        assert profile.code == code
        assert profile.sources


def test_each_shipped_file_loads_on_its_own() -> None:
    folder = Path(str(shipped_profile_dir()))
    files = sorted(folder.glob("*.yaml"))
    assert {f.stem for f in files} >= set(SHIPPED)
    for file in files:
        assert load_profile_file(file).code == file.stem


def test_minimal_fixture_is_valid() -> None:
    profile = load_profile_file(DATA / "minimal.yaml")
    assert profile.code == "testpox"
    assert profile.max_pool_size == 5


def test_nothing_is_loaded_at_import() -> None:
    clear_profile_cache()
    import fireline.diseases.loader as loader

    assert loader._load_cached.cache_info().currsize == 0


def test_override_replaces_a_shipped_profile_and_adds_new_ones(tmp_path: Path) -> None:
    shipped = Path(str(shipped_profile_dir())) / "covid19.yaml"
    text = shipped.read_text(encoding="utf-8").replace(
        "  en: COVID-19 (Omicron)", "  en: Local COVID"
    )
    (tmp_path / "local-covid.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "testpox.yml").write_text((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    profiles = load_profiles(tmp_path)
    assert profiles["covid19"].names.en == "Local COVID"
    assert profiles["testpox"].code == "testpox"
    assert profiles["measles"].code == "measles"
    assert load_profiles()["covid19"].names.en == "COVID-19 (Omicron)"


def test_results_are_cached_per_folder(tmp_path: Path) -> None:
    first = load_profiles(tmp_path)
    first.pop("covid19")
    assert "covid19" in load_profiles(tmp_path)
    assert load_profiles(tmp_path)["measles"] is first["measles"]


def test_override_folder_with_two_files_of_one_code_is_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    with pytest.raises(ProfileError, match="disease code 'testpox' is also defined in"):
        load_profiles(tmp_path)


def test_missing_override_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="does not exist") as info:
        load_profiles(tmp_path / "nope")
    assert info.value.line is None


BAD = [
    ("bad_task_type.yaml", "playbook task 'contacts' has unknown type 'call_everyone'"),
    ("negative_deadline.yaml", "playbook task 'contacts' has a negative deadline (-4 h)"),
    ("unknown_dependency.yaml", "playbook task 'contacts' depends on unknown task 'sample'"),
    (
        "dependency_cycle.yaml",
        "playbook tasks form a dependency cycle: interview -> contacts -> interview",
    ),
    (
        "schema_extra_field.yaml",
        "contact_categories.0.quarantine_days: Extra inputs are not permitted",
    ),
    (
        "schema_wrong_type.yaml",
        "incubation_period.min_days: Input should be a valid integer,"
        " unable to parse string as an integer",
    ),
    ("unknown_source.yaml", "unknown source 'nowhere'"),
    (
        "bad_place.yaml",
        "contact_categories.0.phases.0.place: Input should be 'facility', 'home' or 'none'",
    ),
    ("duplicate_key.yaml", "key 'min_days' appears twice"),
]


@pytest.mark.parametrize(("name", "message"), BAD)
def test_bad_file_is_refused_with_file_and_line(name: str, message: str) -> None:
    path = DATA / name
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    error = info.value
    line = marked_line(path)
    assert (error.path, error.line, error.message) == (path, line, message)
    assert str(error) == f"{path}:{line}: {message}"


def test_bad_override_file_names_its_path(tmp_path: Path) -> None:
    bad = DATA / "bad_task_type.yaml"
    (tmp_path / "x.yaml").write_text(bad.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profiles(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'x.yaml'}:{marked_line(bad)}: playbook task")


def test_invalid_yaml_is_refused_with_a_line() -> None:
    with pytest.raises(ProfileError, match=r"invalid YAML") as info:
        load_profile_file(DATA / "invalid_yaml.yaml")
    assert info.value.line is not None
    assert info.value.line >= marked_line(DATA / "invalid_yaml.yaml")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "the file is empty"),
        ("- a\n- b\n", 1, "a profile must be a mapping of fields"),
        ("code: x\n", 1, "names: Field required"),
    ],
)
def test_degenerate_files(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    assert (info.value.line, info.value.message) == (line, message)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read") as info:
        load_profile_file(tmp_path / "missing.yaml")
    assert info.value.line is None


def test_cholera_ships_with_its_sourced_parameters() -> None:
    """The README's promise: cholera, with Azman et al.'s incubation, monitoring of
    contacts instead of quarantine, and the GTFCC case definitions' text."""
    cholera = load_profiles()["cholera"]
    incubation = cholera.incubation_period
    assert (incubation.min_days, incubation.max_days) == (0, 5)
    assert incubation.distribution.median == 1.4
    assert "azman2013" in incubation.source
    assert cholera.serial_interval.mean_days == 3.7
    assert [c.code for c in cholera.diagnosis_codes] == ["A00", "1A00"]
    assert all(p.place == "none" for c in cholera.contact_categories for p in c.phases)
    suspected = cholera.classification("suspected")
    assert suspected.criteria is not None and "watery diarrhoea" in suspected.criteria.en


def test_every_classification_says_its_criteria_in_both_languages() -> None:
    for profile in load_profiles().values():
        for item in profile.classifications.items:
            assert item.criteria is not None, f"{profile.code}.{item.code}"
            assert item.criteria.en.strip() and item.criteria.zh.strip()
