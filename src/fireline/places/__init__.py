"""Jurisdictions (a tree of any depth), venues and facilities."""
