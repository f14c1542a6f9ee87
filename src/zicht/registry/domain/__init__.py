"""Pure domain rules of the registry (no Django imports): BSN, addresses, names, dates,
import profiles and row validation. Views, commands and the import pipeline call these;
the linkage app builds its comparison normalisation on top of their outputs.
"""
