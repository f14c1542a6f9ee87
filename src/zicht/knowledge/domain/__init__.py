"""Knowledge pages and the factchecker as pure rules: parsing, validation, rendering, search, review.

No Django imports here; the app's models, views and loader call these functions.
"""
