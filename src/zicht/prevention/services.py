"""Loading and importing the catalogue, the organisation map and plan snapshots (Django side)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from zicht.areas.indicators import REGISTER_FIGURES, cbs_series, register_series
from zicht.areas.policy import default_policy
from zicht.geo.cbs import INDICATORS as CBS_INDICATORS
from zicht.registry.models import Organisation

from .domain import bouwstenen as bs
from .domain import catalogue as cat
from .domain import indicators as ind
from .labels import tr
from .models import Intervention, MatrixCell, PlanVersion

PACKAGE_CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.csv"
FIELDS = [c for c in cat.COLUMNS if c != "slug"]


def read_csv_rows(fh) -> list[dict]:
    text = fh.read()
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    text = text.lstrip("\ufeff")
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def upsert_interventions(model, rows: list[dict], herkomst: str) -> tuple[int, int]:
    """Create or update by slug; idempotent. Returns (created, updated)."""
    created = updated = 0
    existing = {i.slug: i for i in model.objects.filter(slug__in=[r["slug"] for r in rows])}
    # A data migration passes its historical model, which may predate later columns (erkenning_bron).
    known = {f.name for f in model._meta.get_fields()}
    for values in rows:
        obj = existing.get(values["slug"])
        fields = {k: values[k] for k in FIELDS if k in values and k in known}
        if obj is None:
            model.objects.create(slug=values["slug"], herkomst=herkomst, **fields)
            created += 1
        else:
            changed = [k for k, v in fields.items() if getattr(obj, k) != v]
            if changed:
                for k in changed:
                    setattr(obj, k, fields[k])
                obj.save(update_fields=changed + ["updated_at"])
                updated += 1
    return created, updated


def load_package_catalogue(model=None) -> tuple[int, int]:
    """Load the catalogue shipped in prevention/data (used by the data migration and `zicht catalogue --load`)."""
    if model is None:
        model = Intervention
    with open(PACKAGE_CATALOGUE, encoding="utf-8") as fh:
        clean, errors = cat.validate_rows(read_csv_rows(fh))
    if errors:  # the shipped file is tested; this guards hand edits
        raise ValueError("; ".join(str(e) for e in errors[:10]))
    with transaction.atomic():
        return upsert_interventions(model, clean, "pakket")


NOT_UTF8 = (
    "het bestand is geen UTF-8-tekst; sla het op als 'CSV UTF-8 (door komma's gescheiden)' "
    "(Excel) of kies tekencodering UTF-8 (LibreOffice) en probeer opnieuw"
)
NOT_CSV = "het bestand is geen leesbaar CSV-bestand (binaire inhoud of een onjuist scheidingsteken)"


def _line_of(exc: UnicodeDecodeError) -> int:
    """The spreadsheet row (header = 1) holding the first byte that is not UTF-8."""
    data = exc.object if isinstance(exc.object, (bytes, bytearray)) else b""
    return data[: exc.start].count(b"\n") + 1


def import_catalogue_csv(fh) -> tuple[int, int, list[cat.RowError]]:
    """Import more interventions; nothing is written when any row is invalid (errors name row and field)."""

    try:
        rows = read_csv_rows(fh)
    except UnicodeDecodeError as exc:
        return 0, 0, [cat.RowError(_line_of(exc), "bestand", NOT_UTF8)]
    except csv.Error:
        return 0, 0, [cat.RowError(1, "bestand", NOT_CSV)]
    clean, errors = cat.validate_rows(rows)
    if errors:
        return 0, 0, errors
    with transaction.atomic():
        created, updated = upsert_interventions(Intervention, clean, "import")
    return created, updated, []


def catalogue_entries(qs=None) -> list[dict]:

    qs = Intervention.objects.all() if qs is None else qs
    return [i.as_entry() for i in qs]


def entry_for_display(entry: dict, today: date) -> dict:
    erk = cat.parse_erkenningsdatum(entry.get("erkenningsdatum", ""))
    return {
        **entry,
        "erkenning_label": tr(cat.label(cat.ERKENNINGSNIVEAUS, entry["erkenningsniveau"])),
        "erkenning_datum_display": erk.display() if erk else gettext("onbekend"),
        "erkenning_status": cat.erkenning_status(entry["erkenningsniveau"], erk, today),
        "erkenning_outdated": cat.erkenning_outdated(erk, today),
        "preventietype_labels": [tr(cat.prevention_type_label(t)) for t in entry["preventietypes"]] or [gettext("onbekend")],
        "setting_labels": [tr(cat.label(cat.SETTINGS, s)) for s in entry["setting"]] or [gettext("onbekend")],
        "bouwsteen_labels": [tr(bs.label(b)) for b in entry["bouwstenen"]],
    }


# --- organisation map and matrix -------------------------------------------------------------------


def gemeente_matrix(gemeente) -> dict[str, set[str]]:
    """The gemeente's matrix; partner types it never edited keep the seed-003 default."""

    matrix = {p: set(bouw) for p, bouw in bs.DEFAULT_MATRIX.items()}
    for cell in MatrixCell.objects.filter(gemeente=gemeente):
        matrix[cell.partnertype] = set(cell.bouwstenen)
    return matrix


def organisations_in(gemeente, wijk=None):

    qs = Organisation.objects.filter(gemeente=gemeente).select_related("wijk", "prevention_profile")
    if wijk is not None:
        from django.db.models import Q

        qs = qs.filter(Q(wijk=wijk) | Q(wijk__isnull=True))  # gemeente-wide partners work in every wijk
    return qs.prefetch_related("prevention_profile__interventies")


def organisations_in_gemeenten(codes):
    """The organisations of several gemeenten (a region), with their profiles."""
    return (
        Organisation.objects.filter(gemeente_id__in=codes)
        .select_related("wijk", "gemeente", "prevention_profile")
        .prefetch_related("prevention_profile__interventies")
    )


def contributions(orgs) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(organisation code → bouwstenen, organisation code → risk factors of its aanbod)."""
    bouw, factors = {}, {}
    for org in orgs:
        profile = getattr(org, "prevention_profile", None)
        if profile is None:
            continue
        bouw[org.code] = set(profile.bouwstenen)
        factors[org.code] = {f for i in profile.interventies.all() for f in i.risicofactoren}
    return bouw, factors


# --- plan indicators: measured values -------------------------------------------------------------


def _point(periode: str, cell, bron: str) -> dict:
    return {"periode": periode, "value": cell.value, "display": cell.display, "status": cell.status, "bron": bron, "reason": cell.reason}


def indicator_points(indicator, plan) -> list[dict]:
    """Measured values of an indicator, oldest first: computed (registry, CBS) or entered by hand.

    Registry figures come from the controlled cells of the gebiedscan for the plan's area (its wijk,
    or the gemeente), one per year; a suppressed figure stays suppressed here.
    """
    if plan.gemeente_id is None and indicator.type in ("register", "cbs"):
        return []  # a regional plan: registry and CBS figures are per gemeente and wijk (the region page compares them)
    if indicator.type == "register" and indicator.figuur in REGISTER_FIGURES:
        return [
            _point(year, cell, "Zicht-register (beveiligd)")
            for year, cell in register_series(indicator.figuur, plan.gemeente_id, plan.wijk_id, default_policy())
        ]
    if indicator.type == "cbs" and indicator.figuur in CBS_INDICATORS:
        unit = CBS_INDICATORS[indicator.figuur].unit
        return [
            _point(year, cell, f"CBS Kerncijfers wijken en buurten {year}")
            for year, cell in cbs_series(indicator.figuur, plan.area_code, unit)
        ]
    if indicator.type == "hand":
        return [
            {
                "periode": m.datum.isoformat(),
                "value": m.waarde,
                "display": ind.format_number(m.waarde),
                "status": "ok",
                "bron": m.bron,
                "reason": f"Handmatig ingevoerd; bron: {m.bron}" + (f" ({m.toelichting})" if m.toelichting else ""),
            }
            for m in indicator.metingen.all()
        ]
    return []


def indicator_label(indicator) -> str:
    if indicator.type == "register":
        return REGISTER_FIGURES.get(indicator.figuur, ("", ""))[0]
    if indicator.type == "cbs" and indicator.figuur in CBS_INDICATORS:
        return CBS_INDICATORS[indicator.figuur].label
    return ""


# --- plan snapshots --------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def plan_snapshot(plan) -> dict:
    """Everything a version must show later, denormalised (names, not ids only)."""
    sections = {s.code: s.tekst for s in plan.sections.all()}
    return {
        "titel": plan.titel,
        "periode": plan.periode,
        "status": plan.status,
        "gemeente": {"code": plan.gemeente_id, "naam": plan.gemeente.naam} if plan.gemeente_id else None,
        "regio": {"code": plan.regio_id, "naam": plan.regio.naam} if plan.regio_id else None,
        "wijk": {"code": plan.wijk_id, "naam": plan.wijk.naam} if plan.wijk_id else None,
        "sections": sections,
        "lines": [
            {
                "naam": line.naam,
                "schaal": line.schaal,
                "intervention": line.intervention.slug if line.intervention_id else None,
                "erkenning": (cat.label(cat.ERKENNINGSNIVEAUS, line.intervention.erkenningsniveau) if line.intervention_id else ""),
                "preventietypes": list(line.intervention.preventietypes) if line.intervention_id else [],
                "doelgroep": line.doelgroep,
                "reden": line.reden,
                "eigenaar": line.eigenaar.naam if line.eigenaar_id else "",
                "partners": sorted(p.naam for p in line.partners.all()),
                "budget": _money(line.budget),
                "financieringsbron": line.financieringsbron,
                "planning": line.planning,
                "doelgroep_omvang": line.doelgroep_omvang,
                "bereikt": line.bereikt,
                "bijeenkomsten": line.bijeenkomsten,
                "zoals_bedoeld": line.zoals_bedoeld,
                "uitvoering_toelichting": line.uitvoering_toelichting,
                "uitvoering_van": line.uitvoering_van.isoformat() if line.uitvoering_van else None,
                "uitvoering_tot": line.uitvoering_tot.isoformat() if line.uitvoering_tot else None,
            }
            for line in plan.lines.select_related("intervention", "eigenaar").prefetch_related("partners")
        ],
        "indicators": [
            {
                "naam": i.naam,
                "soort": i.soort,
                "eenheid": i.eenheid,
                "baseline": i.baseline,
                "baseline_jaar": i.baseline_jaar,
                "streefwaarde": i.streefwaarde,
                "streefjaar": i.streefjaar,
                "bron": i.bron,
                "type": i.type,
                "figuur": i.figuur,
                "figuur_label": indicator_label(i),
                "metingen": indicator_points(i, plan),
            }
            for i in plan.indicators.prefetch_related("metingen")
        ],
    }


def save_version(plan, *, user, opmerking: str = ""):
    from django.db.models import Max

    with transaction.atomic():
        last = PlanVersion.objects.filter(plan=plan).aggregate(m=Max("nummer"))["m"] or 0
        return PlanVersion.objects.create(
            plan=plan,
            nummer=last + 1,
            snapshot=plan_snapshot(plan),
            opmerking=opmerking[:300],
            created_by=user.get_username() if user else "",
        )


def total_budget(snapshot: dict) -> Decimal:
    return sum((Decimal(line["budget"]) for line in snapshot["lines"] if line.get("budget")), Decimal("0"))
