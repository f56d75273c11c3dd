"""Synthetic ufw log scenarios for scanlog: see README.md in this folder."""
