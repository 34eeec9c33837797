"""Rapid response activation: responses, playbook tasks, escalation and timeliness."""
