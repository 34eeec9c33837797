"""Disease profiles: YAML data shipped in ``profiles/``, overridable per deployment.

Nothing is read at import time; call :func:`fireline.diseases.loader.load_profiles`.
"""

from fireline.diseases.loader import ProfileError, load_profile_file, load_profiles
from fireline.diseases.schemas import ContactCategory, DiseaseProfile

__all__ = [
    "ContactCategory",
    "DiseaseProfile",
    "ProfileError",
    "load_profile_file",
    "load_profiles",
]
