"""Plan indicators: reading numbers typed as text, and saying how far a measured value has come.

Pure functions (no Django). A plan's baseline and target are free text (they were before indicators
had types, and a policy adviser writes "12,5%" or "ca. 40"); ``parse_number`` reads the number in
them the Dutch way, so the chart can draw them, and leaves the text as it is where there is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zicht.access.roles import N_

_NUMBER = re.compile(r"[-−]?\d[\d.]*(?:,\d+)?|[-−]?\d+(?:\.\d+)?")


def parse_number(text: str | None) -> float | None:
    """The first number in ``text``, Dutch notation (``1.234,5``); a lone dot with 1–2 decimals is a decimal point."""
    if not text:
        return None
    match = _NUMBER.search(str(text).replace("\u00a0", " "))
    if not match:
        return None
    token = match.group(0).replace("−", "-")
    if "," in token:
        token = token.replace(".", "").replace(",", ".")
    elif token.count(".") == 1 and len(token.split(".")[1]) != 3:
        pass  # 12.5 is a decimal point
    else:
        token = token.replace(".", "")  # 1.234 or 1.234.567: thousands separators
    try:
        return float(token)
    except ValueError:
        return None


def format_number(value: float, decimals: int = 1) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass(frozen=True)
class Progress:
    share: float | None  # part of the way from baseline to target (1.0 = target reached); None when unknown
    message: str  # a sentence marked N_, with %(name)s placeholders filled from params
    params: dict = field(default_factory=dict)
    state: str = ""  # the part of the way in words (marked N_; %(pct)s from params)

    @property
    def text(self) -> str:
        """The sentence in Dutch."""
        return self.render(lambda message: message)

    def render(self, translate) -> str:
        """The sentence with ``translate`` (gettext where shown) applied to its parts."""
        params = dict(self.params)
        if self.state:
            params["state"] = translate(self.state) % params
        return translate(self.message) % params


def progress(baseline: float | None, target: float | None, latest: float | None, latest_label: str = "") -> Progress:
    """How far the latest measured value has come from the baseline towards the target, in words."""
    if latest is None:
        return Progress(None, N_("Nog geen gemeten waarde."))
    params = {"when": f" ({latest_label})" if latest_label else "", "latest": format_number(latest)}
    if baseline is None or target is None:
        return Progress(None, N_("Laatste meting%(when)s: %(latest)s."), params)
    params |= {"baseline": format_number(baseline), "target": format_number(target)}
    if target == baseline:
        reached = latest == target
        message = (
            N_("Laatste meting%(when)s: %(latest)s; streefwaarde %(target)s bereikt.")
            if reached
            else N_("Laatste meting%(when)s: %(latest)s; streefwaarde %(target)s niet bereikt.")
        )
        return Progress(1.0 if reached else 0.0, message, params)
    share = (latest - baseline) / (target - baseline)
    if share >= 1:
        state = N_("de streefwaarde is bereikt")
    elif share <= 0:
        state = N_("nog geen beweging in de gewenste richting")
    else:
        state = N_("%(pct)s%% van de weg van nulmeting naar streefwaarde")
        params["pct"] = round(100 * share)
    return Progress(
        share,
        N_(
            "Laatste meting%(when)s: %(latest)s (nulmeting %(baseline)s, streefwaarde %(target)s): %(state)s. "
            "Een verandering zegt nog niet dat het plan die veroorzaakte."
        ),
        params,
        state,
    )
