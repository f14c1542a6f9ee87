"""Casework domain rules without Django: colour code, worklists, signal stacking, Meldcode."""
