from __future__ import annotations

from datetime import date

import numpy as np

from fireline.simulate import Outbreak
from fireline.simulate.people import ID_CHECK, ID_WEIGHTS, national_ids


def _check_character(first17: str) -> str:
    weighted = sum(int(d) * int(w) for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[weighted % 11]


def test_national_ids_are_well_formed_and_clearly_fake(outbreak: Outbreak) -> None:
    rows = outbreak.persons.slice(0, 500).to_pylist()
    for person in rows:
        nid = person["national_id"]
        assert len(nid) == 18 and nid.startswith("99")
        assert nid[6:14] == person["birth_date"].strftime("%Y%m%d")
        assert nid[17] == _check_character(nid[:17])
        assert person["sex"] == ("male" if int(nid[16]) % 2 else "female")


def test_check_character_matches_the_standard_example() -> None:
    # GB 11643-1999's worked example is 11010519491231002X; ours differ only in region.
    nid = national_ids(date(1949, 12, 31), np.array([0]), np.array([0]), np.array([2]))
    assert nid[0].as_py()[6:17] == "19491231002"
    assert _check_character("11010519491231002") == "X"


def test_names_phones_and_addresses(outbreak: Outbreak) -> None:
    for person in outbreak.persons.slice(0, 200).to_pylist():
        assert 2 <= len(person["name"]) <= 3
        assert len(person["phone"]) == 11 and person["phone"].startswith("100")
        assert person["address"].endswith("室")
        assert person["birth_date"] <= outbreak.start
