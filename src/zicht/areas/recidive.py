"""Recidive figures per gemeente and wijk: timelines from the registry and linkage, controlled output.

The definitions live in ``recidive_rules`` (pure); this module pulls the timelines (no personal
data leaves it: subjects are internal ids that never reach a page) and turns episodes into
published figures through ``disclosure`` only:

* rates (share with a next registration within 6/12/24 months) come from a controlled table
  with the columns "wel" / "geen" nieuwe registratie per row, so neither the numerator nor its
  complement is published below the threshold; the share is computed from the published cells;
* a Kaplan–Meier point is published only when both the number still followed (at risk) and the
  number of next registrations up to that month reach the threshold; the others are gaps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max
from django.utils.translation import gettext

from zicht.access.roles import N_
from zicht.geo.models import Wijk
from zicht.linkage.households import within as in_membership
from zicht.linkage.models import HouseholdMember
from zicht.registry import vocab
from zicht.registry.models import Report, ReportParty

from .disclosure import OK, Cell, Policy, _format_number, control_table, control_total, missing_cell
from .recidive_rules import (
    UNKNOWN,
    WINDOWS_MONTHS,
    Episode,
    Registration,
    Timeline,
    first_registration_episode,
    kaplan_meier,
    trajectory_end_episodes,
    within,
)
from .sources import trajectory_ends

# Signals (verwijsindex) are kept only two years and are not registrations of violence: recidive
# counts police incidents and Veilig Thuis meldingen and adviezen.
COUNTED_KINDS = ("incident", "melding", "advies")
# Labels are Dutch msgids, translated when the figures are built; the keys are what JSON and tests use.
SUBJECTS = (("adres", N_("Adressen")), ("huishouden", N_("Huishoudens")), ("persoon", N_("Personen (gekoppeld)")))
INDEXES = (("eerste", N_("na een eerste registratie")), ("hulp", N_("na het einde van een hulptraject")))
CURVE_MONTHS = tuple(range(0, 25))
TABLE_MONTHS = (3, 6, 12, 18, 24)
AARD_LABELS = dict(vocab.AARD_GEWELD)
KINDEREN_LABELS = {True: N_("Kinderen betrokken"), False: N_("Geen kinderen betrokken"), None: N_("Onbekend")}


def _labels(labels: dict) -> dict:
    return {k: gettext(v) for k, v in labels.items()}


@dataclass
class Episodes:
    """All episodes of a gemeente: {(subject, index): [Episode]} and the end of the data."""

    gemeente: str
    end_of_data: date | None
    by_kind: dict[tuple[str, str], list[Episode]] = field(default_factory=dict)
    help_available: bool = True

    def select(self, subject: str, index: str, wijk: str | None = None) -> list[Episode]:
        eps = self.by_kind.get((subject, index), [])
        return [e for e in eps if e.wijk == wijk] if wijk else eps


def load_episodes(gemeente_code: str, end_of_data: date | None = None) -> Episodes:
    """Timelines of addresses, households and linked persons with a registration in the gemeente.

    A subject's wijk, aard and children come from its index registration. Only registrations in
    the gemeente are seen (a person who moves away and is registered elsewhere is not followed).
    """
    reports = list(
        Report.objects.filter(buurt__gemeente_id=gemeente_code, soort__in=COUNTED_KINDS).values_list(
            "id", "datum", "address_id", "buurt__wijk_id", "aard", "kinderen_aanwezig"
        )
    )
    if end_of_data is None:
        end_of_data = Report.objects.filter(buurt__gemeente_id=gemeente_code).aggregate(m=Max("datum"))["m"]
    result = Episodes(gemeente_code, end_of_data)
    if not reports or end_of_data is None:
        return result
    reg = {rid: Registration(d, w, a or UNKNOWN, k) for rid, d, _, w, a, k in reports}
    by_address: dict[int, list[Registration]] = defaultdict(list)
    for rid, _, address_id, *_ in reports:
        if address_id is not None:
            by_address[address_id].append(reg[rid])
    by_person: dict[int, set[int]] = defaultdict(set)
    parties = ReportParty.objects.filter(
        report__buurt__gemeente_id=gemeente_code, report__soort__in=COUNTED_KINDS, person__link__isnull=False
    ).values_list("report_id", "person__link__linked_person_id")
    for rid, lp in parties:
        by_person[lp].add(rid)
    by_household: dict[int, set[int]] = defaultdict(set)
    members = HouseholdMember.objects.filter(linked_person_id__in=list(by_person)).values_list(
        "household_id", "linked_person_id", "since", "until"
    )
    for hh, lp, since, until in members:  # a member's registrations within their membership (a person moves on)
        mine = {rid for rid in by_person[lp] if in_membership(reg[rid].datum, since, until)}
        if mine:
            by_household[hh] |= mine

    ends = trajectory_ends(gemeente_code)
    result.help_available = ends is not None
    ends_by_address: dict[int, list[date]] = defaultdict(list)
    ends_by_household: dict[int, list[date]] = defaultdict(list)
    for end in ends or ():
        if end.address_id is not None:
            ends_by_address[end.address_id].append(end.einde)
        if end.household_id is not None:
            ends_by_household[end.household_id].append(end.einde)

    timelines = {
        "adres": [Timeline(a, tuple(regs), tuple(ends_by_address.get(a, ()))) for a, regs in by_address.items()],
        "huishouden": [Timeline(h, tuple(reg[r] for r in rids), tuple(ends_by_household.get(h, ()))) for h, rids in by_household.items()],
        "persoon": [Timeline(p, tuple(reg[r] for r in rids)) for p, rids in by_person.items()],
    }
    for subject, tls in timelines.items():
        result.by_kind[(subject, "eerste")] = [e for t in tls if (e := first_registration_episode(t, end_of_data))]
        result.by_kind[(subject, "hulp")] = [e for t in tls for e in trajectory_end_episodes(t, end_of_data)]
    return result


# --- controlled output ------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    key: object
    label: str
    shares: tuple[Cell, ...]  # per window
    eligible: tuple[Cell, ...]  # per window: the number the share is of

    @property
    def pairs(self) -> list[tuple[Cell, Cell]]:
        return list(zip(self.shares, self.eligible))


def _share_cells(groups: dict, window: int, policy: Policy):
    """{key: (share, eligible)} for one window, from one controlled table "wel"/"geen"."""
    counts = {}
    for key, eps in groups.items():
        w = within(eps, window)
        counts[(key, "wel")] = w.recurred
        counts[(key, "geen")] = w.eligible - w.recurred
    if not counts:
        return {}
    table = control_table(counts, list(groups), ("wel", "geen"), policy)
    return {key: (table.share(key, "wel"), table.row_total(key)) for key in groups}


def rate_rows(groups: dict, labels: dict, policy: Policy, windows: Sequence[int] = WINDOWS_MONTHS) -> list[RateRow]:
    per_window = [_share_cells(groups, w, policy) for w in windows]
    rows = []
    for key in groups:
        rows.append(RateRow(key, labels.get(key, str(key)), tuple(pw[key][0] for pw in per_window), tuple(pw[key][1] for pw in per_window)))
    return rows


def _pct(value: float) -> str:
    return _format_number(100 * value, 0) + "%"


@dataclass(frozen=True)
class CurvePointCell:
    month: int
    at_risk: Cell
    share: Cell  # cumulative share with a next registration (percentage), suppressed below threshold
    low: float | None
    high: float | None

    @property
    def interval(self) -> str:
        if self.share.value is None or self.low is None:
            return ""
        return f"{_pct(self.low)}–{_pct(self.high)}"

    @property
    def interval_cell(self) -> Cell:
        """The 95% interval as a cell (for tables): published with its point, missing without it."""
        if not self.interval:
            return missing_cell(gettext("Geen interval: het punt wordt niet getoond."), "interval")
        return Cell(
            round(100 * self.low, 1),
            OK,
            gettext("95%-betrouwbaarheidsinterval (Kaplan–Meier, log-log-transformatie)."),
            self.interval,
            "interval",
        )


def controlled_curve(episodes: Sequence[Episode], policy: Policy, months: Sequence[int] = CURVE_MONTHS) -> list[CurvePointCell]:
    """Kaplan–Meier points; a point is published only when at risk and events both reach the threshold."""
    out = []
    for p in kaplan_meier(episodes, months):
        at_risk = control_total(p.at_risk, policy)
        events = control_total(p.events, policy)
        if at_risk.status == OK and events.status == OK:
            value = round(100 * p.share, 0)
            share = Cell(
                value,
                OK,
                gettext(
                    "Kaplan–Meier-schatting; getoond omdat het aantal gevolgde en het aantal nieuwe registraties elk "
                    "minstens %(threshold)s zijn."
                )
                % {"threshold": policy.threshold},
                _format_number(value, 0) + "%",
                "percentage",
            )
            out.append(CurvePointCell(p.month, at_risk, share, p.low, p.high))
        else:
            reason = gettext(
                "Niet getoond: berust op minder dan %(threshold)s gevolgde adressen, huishoudens of personen "
                "of minder dan dat aantal nieuwe registraties."
            ) % {"threshold": policy.threshold}
            out.append(CurvePointCell(p.month, at_risk, Cell(None, "primary", reason, policy.primary_mark, "percentage"), None, None))
    return out


def overview_groups(episodes: Episodes, wijk: str | None = None) -> tuple[dict, dict]:
    """The rows of the overview table (subject × index) with their episodes and labels."""
    groups, labels = {}, {}
    for subject, subject_label in SUBJECTS:
        for index, index_label in INDEXES:
            if index == "hulp" and (not episodes.help_available or subject == "persoon"):
                continue
            groups[(subject, index)] = episodes.select(subject, index, wijk)
            labels[(subject, index)] = f"{gettext(subject_label)} {gettext(index_label)}"
    return groups, labels


@dataclass(frozen=True)
class WindowCells:
    """One overview row in one window exactly as the recidive page publishes it, with the raw counts
    (never published; only a region's totals are computed from them, through ``control_stacked``)."""

    wel: Cell
    geen: Cell
    total: Cell
    share: Cell
    raw_wel: int
    raw_geen: int


def published_window(episodes: Episodes, policy: Policy, window: int = 12, key: tuple = ("adres", "eerste")) -> WindowCells | None:
    """The cells of the gemeente's overview table for ``key`` and ``window`` (the same controlled
    table as ``recidive_figures``: all overview rows together), or None when the row is absent."""
    groups, _ = overview_groups(episodes)
    if key not in groups:
        return None
    counts = {}
    for k, eps in groups.items():
        w = within(eps, window)
        counts[(k, "wel")] = w.recurred
        counts[(k, "geen")] = w.eligible - w.recurred
    table = control_table(counts, list(groups), ("wel", "geen"), policy)
    return WindowCells(
        table.cell(key, "wel"),
        table.cell(key, "geen"),
        table.row_total(key),
        table.share(key, "wel"),
        counts[(key, "wel")],
        counts[(key, "geen")],
    )


def recidive_figures(episodes: Episodes, policy: Policy, wijk: str | None = None) -> dict:
    """Everything the page, the factsheet and the command show, for the gemeente or one wijk."""
    windows = WINDOWS_MONTHS
    groups, labels = overview_groups(episodes, wijk)
    overview = rate_rows(groups, labels, policy)

    first = episodes.select("adres", "eerste", wijk)
    by_aard: dict[str, list[Episode]] = defaultdict(list)
    by_kinderen: dict[bool | None, list[Episode]] = defaultdict(list)
    by_cohort: dict[int, list[Episode]] = defaultdict(list)
    for e in first:
        by_aard[e.aard].append(e)
        by_kinderen[e.kinderen].append(e)
        by_cohort[e.cohort].append(e)
    aard = rate_rows(dict(sorted(by_aard.items())), _labels(AARD_LABELS), policy)
    kinderen = rate_rows({k: by_kinderen[k] for k in (True, False, None) if k in by_kinderen}, _labels(KINDEREN_LABELS), policy)
    cohorts = rate_rows(dict(sorted(by_cohort.items())), {y: str(y) for y in by_cohort}, policy)

    per_wijk = []
    if wijk is None:
        names = dict(Wijk.objects.filter(gemeente_id=episodes.gemeente).values_list("code", "naam"))
        groups = {code: [e for e in first if e.wijk == code] for code in sorted(names)}
        per_wijk = rate_rows(groups, names, policy)

    curves = [{"label": str(year), "points": controlled_curve(eps, policy)} for year, eps in sorted(by_cohort.items())]
    curves_kinderen = [
        {"label": gettext(KINDEREN_LABELS[k]), "points": controlled_curve(by_kinderen[k], policy)}
        for k in (True, False)
        if k in by_kinderen
    ]
    return {
        "gemeente": episodes.gemeente,
        "wijk": wijk,
        "end_of_data": episodes.end_of_data,
        "windows": windows,
        "help_available": episodes.help_available,
        "overview": overview,
        "aard": aard,
        "kinderen": kinderen,
        "cohorts": cohorts,
        "per_wijk": per_wijk,
        "curves": curves,
        "curves_kinderen": curves_kinderen,
        "table_months": TABLE_MONTHS,
    }


def twelve_month_rate(episodes: Episodes, policy: Policy, wijk: str | None = None, cohort: int | None = None) -> Cell:
    """Share of addresses with a next registration within 12 months of a first one (plan indicators)."""
    eps = [e for e in episodes.select("adres", "eerste", wijk) if cohort is None or e.cohort == cohort]
    if not eps:
        return missing_cell(gettext("Geen adressen met een eerste registratie in deze periode."), "percentage")
    return _share_cells({"x": eps}, 12, policy)["x"][0]


def cell_json(cell: Cell) -> dict:
    return {"value": cell.value, "display": cell.display, "status": cell.status}


def figures_json(figures: dict) -> dict:
    """The controlled figures as JSON (only published values; suppressed ones as null with status)."""

    def rows(rs):
        return [
            {
                "key": str(r.key) if not isinstance(r.key, tuple) else "/".join(r.key),
                "label": r.label,
                "windows": {
                    str(m): {"share": cell_json(s), "n": cell_json(n)} for m, s, n in zip(figures["windows"], r.shares, r.eligible)
                },
            }
            for r in rs
        ]

    def curves(cs):
        return [
            {
                "label": c["label"],
                "points": [
                    {
                        "month": p.month,
                        "at_risk": cell_json(p.at_risk),
                        "share": cell_json(p.share),
                        "ci_low": round(100 * p.low, 1) if p.share.value is not None and p.low is not None else None,
                        "ci_high": round(100 * p.high, 1) if p.share.value is not None and p.high is not None else None,
                    }
                    for p in c["points"]
                ],
            }
            for c in cs
        ]

    return {
        "gemeente": figures["gemeente"],
        "wijk": figures["wijk"],
        "end_of_data": figures["end_of_data"].isoformat() if figures["end_of_data"] else None,
        "windows_months": list(figures["windows"]),
        "overview": rows(figures["overview"]),
        "by_aard": rows(figures["aard"]),
        "by_kinderen": rows(figures["kinderen"]),
        "by_year_of_first_registration": rows(figures["cohorts"]),
        "per_wijk": rows(figures["per_wijk"]),
        "curves_by_year": curves(figures["curves"]),
        "curves_by_kinderen": curves(figures["curves_kinderen"]),
    }
