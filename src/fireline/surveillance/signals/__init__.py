"""Daily signals per jurisdiction and disease, and the alerts they raise."""
