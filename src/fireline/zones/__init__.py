"""Risk zones: areas of a jurisdiction under a level, and when they may step down or lift."""
