"""Marking a message for translation where no language is known yet (pybabel -k N_)."""


def N_(message: str) -> str:  # noqa: N802 - the conventional name pybabel extracts (-k N_)
    """Mark a string for extraction; it is translated later, where the language is known."""
    return message
