"""Coded answers of the interview: how and where an exposure happened, with their labels.

The codes are stored; pages show the label in the reader's language (the labels are
msgids, translated where the language is known). The exposure types follow the contact
definitions of WHO, "Contact tracing in the context of COVID-19: interim guidance"
(WHO/2019-nCoV/Contact_Tracing/2021.1, 1 February 2021): face-to-face within 1 metre
for 15 minutes or more, direct physical contact, direct care without protective
equipment; and the close-contact situations of 新型冠状病毒肺炎防控方案（第九版）
(联防联控机制综发〔2022〕71号, 附件 密切接触者判定与管理指南): living, studying or working
in the same closed space, travelling in the same vehicle, gatherings. The settings are
those of the WHO guidance's settings of exposure (household, workplace, school,
public venue, transport, health care).
"""

from __future__ import annotations

from typing import Final, Literal

from fireline.translatable import N_

ExposureKind = Literal["place", "event", "travel"]
ExposureType = Literal[
    "face_to_face", "physical", "care", "shared_room", "conveyance", "gathering", "other"
]
Setting = Literal["household", "work", "school", "venue", "transport", "health_care", "other"]

KINDS: Final[dict[str, str]] = {
    "place": N_("A place"),
    "event": N_("An event or gathering"),
    "travel": N_("Travel"),
}
EXPOSURE_TYPES: Final[dict[str, str]] = {
    "face_to_face": N_("Face to face, within 1 metre for 15 minutes or more"),
    "physical": N_("Direct physical contact"),
    "care": N_("Cared for without protective equipment"),
    "shared_room": N_("Lived, studied or worked in the same closed space"),
    "conveyance": N_("Travelled in the same vehicle"),
    "gathering": N_("At the same gathering"),
    "other": N_("Other exposure"),
}
SETTINGS: Final[dict[str, str]] = {
    "household": N_("Household"),
    "work": N_("Workplace"),
    "school": N_("School or childcare"),
    "venue": N_("Public venue"),
    "transport": N_("Public transport"),
    "health_care": N_("Health care facility"),
    "other": N_("Other setting"),
}
# Contact categories a profile may not name (the simulator's ``casual``): a label rather
# than the raw code. A profile's own categories carry their names in the profile.
CATEGORIES: Final[dict[str, str]] = {
    "close": N_("Close contact"),
    "secondary_close": N_("Contact of a close contact"),
    "casual": N_("Casual contact"),
}
