"""Every child jurisdiction side by side: the county matrix (service, export, page)."""
