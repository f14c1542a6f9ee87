"""Export a plan snapshot as PDF (reportlab) and as an editable DOCX (python-docx).

Both render the same document model, built from a snapshot, so a version exported today and in
five years reads the same. The structure follows seed 000 §4.1 (stand van zaken … evaluatie en
borging); tables sit in the sections they belong to.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from . import indicator_charts
from .domain import seed_tables as seeds
from .domain.catalogue import prevention_type_label

TABLE_AFTER = {"interventies": "lines", "uitvoering": "uitvoering", "organisatie": "budget", "evaluatie": "indicators"}


def _euro(value) -> str:
    if value in (None, ""):
        return "–"
    amount = Decimal(value)
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


def document_model(snapshot: dict) -> dict:
    """Title, meta lines and a list of sections, each with text and an optional table."""
    gem, wijk, regio = snapshot["gemeente"], snapshot.get("wijk"), snapshot.get("regio")
    if gem is None:  # a regional plan
        area = f"Veilig Thuis-regio {regio['naam']}" if regio else "regio"
    else:
        area = f"{wijk['naam']} ({wijk['code']}), gemeente {gem['naam']}" if wijk else f"{gem['naam']} ({gem['code']})"
    lines = snapshot["lines"]
    tables = {
        "lines": {
            "caption": "Interventies",  # i18n: not UI
            "header": ["Interventie", "Preventietype", "Erkenning", "Doelgroep", "Waarom"],
            "rows": [
                [
                    line["naam"] + (" (regionale afspraak)" if line.get("schaal") == "regionaal" else ""),
                    ", ".join(prevention_type_label(t) for t in line["preventietypes"]) or "onbekend",
                    line["erkenning"] or "eigen activiteit",
                    line["doelgroep"],
                    line["reden"],
                ]
                for line in lines
            ],
        },
        "uitvoering": {
            "caption": "Uitvoering: eigenaar, partners, bereik en uitvoering zoals bedoeld",  # i18n: not UI
            "header": ["Interventie", "Eigenaar", "Partners", "Planning", "Bereik", "Zoals bedoeld?"],
            "rows": [
                [
                    line["naam"],
                    line["eigenaar"] or "nog te bepalen",
                    ", ".join(line["partners"]) or "–",
                    line["planning"] or "–",
                    reach_text(line),
                    fidelity_text(line),
                ]
                for line in lines
            ],
        },
        "budget": {
            "caption": "Begroting per regel",  # i18n: not UI
            "header": ["Interventie", "Budget", "Financieringsbron"],
            "rows": [[line["naam"], _euro(line["budget"]), line["financieringsbron"] or "–"] for line in lines]
            + [["Totaal", _euro(sum((Decimal(line["budget"]) for line in lines if line.get("budget")), Decimal("0"))), ""]],
        },
        "indicators": {
            "caption": "Indicatoren met nulmeting en streefwaarde",  # i18n: not UI
            "header": ["Indicator", "Soort", "Nulmeting", "Streefwaarde", "Bron"],
            "rows": [
                [
                    i["naam"] + (f" ({i['eenheid']})" if i["eenheid"] else ""),
                    i["soort"],
                    f"{i['baseline'] or '–'}" + (f" ({i['baseline_jaar']})" if i["baseline_jaar"] else ""),
                    f"{i['streefwaarde'] or '–'}" + (f" ({i['streefjaar']})" if i["streefjaar"] else ""),
                    i["bron"] or "–",
                ]
                for i in snapshot["indicators"]
            ],
        },
    }
    charts = [
        {
            "indicator": i,
            "caption": f"Metingen: {i['naam']}",  # i18n: not UI
            "progress": indicator_charts.progress_text(i),
            "svg": indicator_charts.svg(i),
            "header": ["Periode", "Waarde", "Bron"],
            "rows": [[p["periode"], p["display"], p["bron"]] for p in i["metingen"]],
        }
        for i in snapshot["indicators"]
        if i.get("metingen")
    ]
    sections = []
    for code, titel, vraag in seeds.PLAN_FORMAT:
        table = tables.get(TABLE_AFTER.get(code, ""))
        sections.append(
            {
                "code": code,
                "titel": titel,
                "vraag": vraag,
                "tekst": snapshot["sections"].get(code, "").strip(),
                "table": table if table and len(table["rows"]) > (1 if code == "organisatie" else 0) else None,
                "charts": charts if code == "evaluatie" else [],
            }
        )
    status = {"concept": "Concept", "vastgesteld": "Vastgesteld"}.get(snapshot["status"], snapshot["status"])
    meta = [f"Gebied: {area}", f"Looptijd: {snapshot['periode'] or 'niet ingevuld'}", f"Status: {status}"]
    return {"titel": snapshot["titel"], "meta": meta, "sections": sections}


FIDELITY = {"ja": "ja", "deels": "deels", "nee": "nee"}


def reach_text(line: dict) -> str:
    """'120 van 400 (30%), 8 bijeenkomsten, 1-2-2026 t/m 30-6-2026' from what is filled in."""
    parts = []
    reached, size = line.get("bereikt"), line.get("doelgroep_omvang")
    if reached is not None and size:
        parts.append(f"{reached} van {size} ({round(100 * reached / size)}%)")
    elif reached is not None:
        parts.append(f"{reached} bereikt")
    elif size:
        parts.append(f"doelgroep {size}")
    if line.get("bijeenkomsten") is not None:
        parts.append(f"{line['bijeenkomsten']} bijeenkomsten")
    if line.get("uitvoering_van"):
        van = date.fromisoformat(line["uitvoering_van"])
        tot = date.fromisoformat(line["uitvoering_tot"]) if line.get("uitvoering_tot") else None
        parts.append(f"{van.day}-{van.month}-{van.year} t/m " + (f"{tot.day}-{tot.month}-{tot.year}" if tot else "nu"))
    return ", ".join(parts) or "–"


def fidelity_text(line: dict) -> str:
    value = FIDELITY.get(line.get("zoals_bedoeld") or "", "nog niet beoordeeld")
    note = (line.get("uitvoering_toelichting") or "").strip()
    return f"{value}: {note}" if note else value


FOOTNOTE = (
    "Opbouw volgens Movisie (2014), Gemeentelijk preventiebeleid huiselijk geweld. Gebiedscijfers: CBS "
    "kerncijfers wijken en buurten (CC BY 4.0). Dit plan bevat geen persoonsgegevens."
)


def render_pdf(snapshot: dict, version_label: str) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    doc_model = document_model(snapshot)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=doc_model["titel"],
        author="Zicht",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story = [Paragraph(escape(doc_model["titel"]), styles["Title"])]
    for m in doc_model["meta"] + [f"Versie: {version_label}"]:
        story.append(Paragraph(escape(m), styles["BodyText"]))
    for s in doc_model["sections"]:
        story.append(Paragraph(escape(s["titel"]), styles["Heading2"]))
        if s["tekst"]:
            for para in s["tekst"].split("\n"):
                if para.strip():
                    story.append(Paragraph(escape(para), styles["BodyText"]))
        elif not s["table"]:
            story.append(Paragraph("<i>Nog niet ingevuld.</i> " + escape(s["vraag"]), small))  # i18n: not UI (Dutch document)
        if s["table"]:
            t = s["table"]
            data = [[Paragraph(f"<b>{escape(h)}</b>", small) for h in t["header"]]]
            data += [[Paragraph(escape(str(c)).replace("\n", "<br/>"), small) for c in row] for row in t["rows"]]
            width = (A4[0] - 4 * cm) / len(t["header"])
            table = Table(data, colWidths=[width] * len(t["header"]), repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [Spacer(1, 4), Paragraph(escape(t["caption"]), small), table]
        for chart in s.get("charts", []):
            story += [
                Spacer(1, 6),
                Paragraph(escape(chart["caption"]), styles["Heading4"]),
                Paragraph(escape(chart["progress"]), small),
                indicator_charts.drawing(chart["indicator"], A4[0] - 4 * cm, 120),
            ]
            data = [[Paragraph(f"<b>{escape(h)}</b>", small) for h in chart["header"]]]
            data += [[Paragraph(escape(str(c)), small) for c in row] for row in chart["rows"]]
            table = Table(data, colWidths=[(A4[0] - 4 * cm) / 3] * 3, repeatRows=1)
            table.setStyle(
                TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5"))])
            )
            story += [table]
    story += [Spacer(1, 12), Paragraph(escape(FOOTNOTE), small)]
    doc.build(story)
    return buf.getvalue()


def render_docx(snapshot: dict, version_label: str) -> bytes:
    from docx import Document
    from docx.shared import Cm

    doc_model = document_model(snapshot)
    doc = Document()
    doc.core_properties.title = doc_model["titel"]
    doc.core_properties.author = "Zicht"
    doc.add_heading(doc_model["titel"], level=0)
    for m in doc_model["meta"] + [f"Versie: {version_label}"]:
        doc.add_paragraph(m)
    for s in doc_model["sections"]:
        doc.add_heading(s["titel"], level=1)
        if s["tekst"]:
            for para in s["tekst"].split("\n"):
                if para.strip():
                    doc.add_paragraph(para)
        elif not s["table"]:
            p = doc.add_paragraph()
            p.add_run("Nog niet ingevuld. ").italic = True
            p.add_run(s["vraag"]).italic = True
        if s["table"]:
            t = s["table"]
            doc.add_paragraph(t["caption"])
            table = doc.add_table(rows=1, cols=len(t["header"]))
            table.style = "Table Grid"
            for cell, h in zip(table.rows[0].cells, t["header"]):
                cell.text = h
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in t["rows"]:
                cells = table.add_row().cells
                for cell, value in zip(cells, row):
                    cell.text = str(value)
        for chart in s.get("charts", []):
            doc.add_heading(chart["caption"], level=3)
            doc.add_paragraph(chart["progress"])
            image = indicator_charts.png(chart["indicator"])
            if image:
                doc.add_picture(io.BytesIO(image), width=Cm(15))
                doc.paragraphs[-1].runs[0]._r.xpath("./w:drawing/wp:inline/wp:docPr")[0].set(
                    "descr", f"Grafiek: {chart['caption']}, met nulmeting en streefwaarde; de tabel eronder geeft de waarden."
                )
            table = doc.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, h in zip(table.rows[0].cells, chart["header"]):
                cell.text = h
            for row in chart["rows"]:
                for cell, value in zip(table.add_row().cells, row):
                    cell.text = str(value)
    doc.add_paragraph(FOOTNOTE)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
