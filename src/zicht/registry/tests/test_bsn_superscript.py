"""The 11-proef takes ASCII digits only: "²".isdigit() is True in Python, int("²") is not a number."""

from zicht.registry.domain.bsn import passes_11_proef


def test_superscript_digits_fail_the_11_proef_instead_of_raising():
    assert passes_11_proef("111222333")
    assert not passes_11_proef("11122233\u00b3")
    assert not passes_11_proef("\u00b2" * 9)
