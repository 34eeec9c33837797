"""Clinical care: hospitals, beds, admissions and outcomes (pages only so far)."""
