"""Pages per role, search, the factchecker, editing with history by the beheerder and refusal for others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from zicht.access import roles as access_roles
from zicht.core.testing import make_user
from zicht.knowledge import services
from zicht.knowledge.domain import render
from zicht.knowledge.models import KnowledgePage, KnowledgePageVersion

pytestmark = pytest.mark.django_db


def login(client, role, **extra):
    user = make_user(role, **extra)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES))
def test_every_role_reads_the_index_a_page_and_the_factchecker(client, role):
    login(client, role)
    assert client.get(reverse("knowledge:index")).status_code == 200
    assert client.get(reverse("knowledge:page", args=["meldcode-vijf-stappen"])).status_code == 200
    assert client.get(reverse("knowledge:factcheck")).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("knowledge:index"))
    assert response.status_code == 302 and "/account/login/" in response.url


@pytest.mark.parametrize(
    "role, own, not_own",
    [
        (
            access_roles.PROFESSIONAL,
            ["Signalen van geweld en mishandeling per leeftijd", "De Kindcheck", "Veilig Thuis raadplegen of melden"],
            "Vier soorten preventie",
        ),
        (
            access_roles.BELEIDSMEDEWERKER,
            ["Vier soorten preventie", "Van risicofactor naar beleidskader", "Interventies kiezen"],
            "De Kindcheck",
        ),
        (access_roles.KETENREGISSEUR, ["De kleurcode in de praktijk", "Het casusoverleg"], "Vier soorten preventie"),
    ],
)
def test_the_index_shows_the_roles_own_pages_first(client, role, own, not_own):
    login(client, role)
    html = client.get(reverse("knowledge:index")).content.decode()
    mine = html.split('id="voor-u"')[1].split('id="overig"')[0]
    for title in own:
        assert title in mine
    assert not_own not in mine and not_own in html.split('id="overig"')[1]


def test_the_home_template_tag_renders_the_roles_cards():
    user = make_user(access_roles.BELEIDSMEDEWERKER)
    request = RequestFactory().get("/")
    request.user = user
    html = Template("{% load knowledge %}{% knowledge_for_role %}").render(Context({"request": request}))
    assert "Kennis voor uw rol" in html and "Vier soorten preventie" in html and "De Kindcheck" not in html
    assert reverse("knowledge:page", args=["preventietypen"]) in html


def test_a_page_shows_its_sources_and_review_date_and_resolves_internal_links(client):
    login(client, access_roles.BELEIDSMEDEWERKER)
    html = client.get(reverse("knowledge:page", args=["preventietypen"])).content.decode()
    assert "<h1>Vier soorten preventie</h1>" in html
    assert 'id="bronnen"' in html and "Gemeentelijk preventiebeleid huiselijk geweld" in html and "(2014)" in html
    assert "Herzien op" in html and 'datetime="2027-12-01"' in html
    assert f'href="{reverse("prevention:catalogue")}"' in html and "url:" not in html


def test_every_internal_link_in_the_shipped_pages_resolves():
    missing = [
        (page.slug, name)
        for page in KnowledgePage.objects.all()
        for name in render.internal_link_names(page.body)
        if services.resolve_url_name(name) is None
    ]
    assert not missing


def test_relative_links_between_pages_point_at_existing_pages():
    import re

    slugs = set(KnowledgePage.objects.values_list("slug", flat=True))
    for page in KnowledgePage.objects.all():
        for target in re.findall(r"\]\(\.\./([a-z0-9-]+)/\)", page.body):
            assert target in slugs, (page.slug, target)


def test_search_ranks_title_hits_first_and_has_a_label(client):
    login(client, access_roles.PROFESSIONAL)
    html = client.get(reverse("knowledge:index"), {"q": "kindcheck"}).content.decode()
    assert '<label for="kennis-zoek">' in html and 'id="kennis-zoek"' in html
    results = html.split('id="resultaten"')[1]
    assert results.index("De Kindcheck") < results.index("Signalen van geweld")
    html = client.get(reverse("knowledge:index"), {"q": "woordbestaatniet"}).content.decode()
    assert "Geen pagina&#x27;s gevonden" in html or "Geen pagina's gevonden" in html


def test_search_service_requires_every_term():
    found = [page.slug for page, _ in services.search_pages(KnowledgePage.objects.all(), "afwegingskader melden")]
    assert found and found[0] == "meldcode-vijf-stappen"
    assert services.search_pages(KnowledgePage.objects.all(), "afwegingskader xyzzy") == []


def test_the_factchecker_shows_verdict_source_and_year(client):
    login(client, access_roles.BELEIDSMEDEWERKER)
    html = client.get(reverse("knowledge:factcheck")).content.decode()
    assert "Huiselijk geweld komt vooral voor in achterstandswijken." in html
    assert "Oordeel: genuanceerd" in html and "Oordeel: niet waar" in html
    assert "https://www.cbs.nl/nl-nl/cijfers/detail/84849NED" in html and "(2023)" in html


# --- editing -----------------------------------------------------------------------------------


def edit_data(page, **changes):
    data = {
        "title": page.title,
        "samenvatting": page.samenvatting,
        "roles": list(page.roles),
        "herzien_op": "2028-06-30",
        "sources": "Basismodel meldcode | https://www.rijksoverheid.nl/documenten/rapporten/2017/01/09/basismodel-meldcode-huiselijk-geweld-en-kindermishandeling | Rijksoverheid | 2017",
        "body": page.body + "\n## Nieuw\n\nEen toegevoegde alinea.\n",
        "note": "Alinea toegevoegd na herziening",
    }
    data.update(changes)
    return data


def test_the_beheerder_edits_and_the_history_says_who_what_when(client):
    user = login(client, access_roles.FUNCTIONEEL_BEHEERDER)
    page = KnowledgePage.objects.get(slug="kindcheck")
    before = page.versions.count()
    response = client.post(reverse("knowledge:edit", args=[page.slug]), edit_data(page))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.edited_in_ui and page.herzien_op == dt.date(2028, 6, 30) and "Een toegevoegde alinea." in page.body
    assert page.sources == [
        {
            "title": "Basismodel meldcode",
            "url": "https://www.rijksoverheid.nl/documenten/rapporten/2017/01/09/basismodel-meldcode-huiselijk-geweld-en-kindermishandeling",
            "publisher": "Rijksoverheid",
            "year": 2017,
        }
    ]
    version = page.versions.order_by("-number").first()
    assert page.versions.count() == before + 1 and version.changed_by == user and version.note == "Alinea toegevoegd na herziening"
    html = client.get(reverse("knowledge:history", args=[page.slug])).content.decode()
    assert user.get_username() in html and "Alinea toegevoegd na herziening" in html
    assert "tekst" in html and "+Een toegevoegde alinea." in html and "repository" in html


def test_a_script_saved_by_the_beheerder_is_not_rendered(client):
    login(client, access_roles.FUNCTIONEEL_BEHEERDER)
    page = KnowledgePage.objects.get(slug="kindcheck")
    client.post(reverse("knowledge:edit", args=[page.slug]), edit_data(page, body="## Kop\n\n<script>alert('x')</script>Tekst\n"))
    html = client.get(reverse("knowledge:page", args=[page.slug])).content.decode()
    assert "alert('x')" not in html and "Tekst" in html


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"sources": ""}, "sources"),
        ({"sources": "Alleen een titel"}, "sources"),
        ({"herzien_op": ""}, "herzien_op"),
        ({"note": ""}, "note"),
        ({"roles": []}, "roles"),
    ],
)
def test_an_edit_without_source_or_review_date_is_refused(client, changes, field):
    login(client, access_roles.FUNCTIONEEL_BEHEERDER)
    page = KnowledgePage.objects.get(slug="kindcheck")
    before = (page.body, page.versions.count())
    response = client.post(reverse("knowledge:edit", args=[page.slug]), edit_data(page, **changes))
    assert response.status_code == 200 and field in response.context["form"].errors
    page.refresh_from_db()
    assert (page.body, page.versions.count()) == before


@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES - {access_roles.FUNCTIONEEL_BEHEERDER}))
def test_other_roles_cannot_edit_or_see_history(client, role):
    login(client, role)
    page = KnowledgePage.objects.get(slug="kindcheck")
    assert client.get(reverse("knowledge:edit", args=[page.slug])).status_code == 403
    assert client.post(reverse("knowledge:edit", args=[page.slug]), edit_data(page)).status_code == 403
    assert client.get(reverse("knowledge:history", args=[page.slug])).status_code == 403
    page.refresh_from_db()
    assert not page.edited_in_ui and "Een toegevoegde alinea." not in page.body


def test_an_overdue_page_is_flagged_to_the_beheerder_only(client):
    page = KnowledgePage.objects.get(slug="casusoverleg")
    page.herzien_op = dt.date.today() - dt.timedelta(days=1)
    page.save()
    login(client, access_roles.FUNCTIONEEL_BEHEERDER)
    html = client.get(reverse("knowledge:index")).content.decode()
    assert 'id="herziening"' in html and "Het casusoverleg" in html.split('id="herziening"')[1].split("</div>")[0]
    assert "herziening nodig" in client.get(reverse("knowledge:page", args=["casusoverleg"])).content.decode()
    client.logout()
    login(client, access_roles.KETENREGISSEUR)
    assert 'id="herziening"' not in client.get(reverse("knowledge:index")).content.decode()


# --- loading from the repository ----------------------------------------------------------------


def test_the_loader_keeps_ui_edits_unless_told_to_overwrite(tmp_path):
    page = KnowledgePage.objects.get(slug="kindcheck")
    services.save_edit(page, user=None, data={**page.snapshot(), "body": "## Lokaal\n\nAangepast.\n"}, note="lokaal")
    counts = services.load_pages()
    assert counts["overgeslagen"] == 1
    page.refresh_from_db()
    assert "Aangepast." in page.body
    counts = services.load_pages(overwrite=True)
    page.refresh_from_db()
    assert counts["bijgewerkt"] == 1 and "Aangepast." not in page.body and not page.edited_in_ui
    assert page.versions.order_by("-number").first().changed_by_name == "repository"
    assert services.load_pages()["ongewijzigd"] == KnowledgePage.objects.count()


def test_the_command_refuses_a_bad_file_naming_file_and_field(tmp_path):
    from django.core.management import CommandError, call_command

    (tmp_path / "zonder-datum.md").write_text(
        "---\ntitle: X\nroles: [professional]\nsources:\n  - title: CBS\n    url: https://www.cbs.nl/\n---\n## Kop\n\nTekst\n"
    )
    with pytest.raises(CommandError) as info:
        call_command("load-knowledge", "--map", str(tmp_path))
    assert "zonder-datum.md" in str(info.value) and "herzien_op" in str(info.value)
    assert not KnowledgePage.objects.filter(slug="zonder-datum").exists()


def test_versions_are_numbered_per_page():
    page = KnowledgePage.objects.get(slug="kindcheck")
    numbers = list(page.versions.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert KnowledgePageVersion.objects.filter(page=page, number=1, changed_by_name="repository").exists()


@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES))
def test_every_role_has_kennis_in_the_menu(role):
    from zicht.core.menu import menu_for

    assert any(item["url"] == reverse("knowledge:index") and item["label"] == "Kennis" for item in menu_for(role, "/"))


def test_the_edit_form_has_labels_for_every_field(client):
    login(client, access_roles.FUNCTIONEEL_BEHEERDER)
    html = client.get(reverse("knowledge:edit", args=["kindcheck"])).content.decode()
    for name in ("title", "samenvatting", "herzien_op", "sources", "body", "note"):
        assert f'<label for="id_{name}">' in html, name
    import re

    assert "<legend>Voor welke rollen</legend>" in html
    assert re.search(r'<input type="checkbox" name="roles" value="professional"[^>]*checked', html)
    assert not re.search(r'<input type="checkbox" name="roles" value="beleidsmedewerker"[^>]*checked', html)
    assert "https://www.augeo.nl/kindcheck" in html


def test_the_home_tag_flags_overdue_pages_to_the_beheerder():
    page = KnowledgePage.objects.get(slug="preventietypen")
    page.herzien_op = dt.date.today() - dt.timedelta(days=3)
    page.save()
    request = RequestFactory().get("/")
    request.user = make_user(access_roles.FUNCTIONEEL_BEHEERDER)
    html = Template("{% load knowledge %}{% knowledge_for_role %}").render(Context({"request": request}))
    assert "over de herzieningsdatum" in html and "Vier soorten preventie" in html
    request.user = make_user(access_roles.BELEIDSMEDEWERKER)
    html = Template("{% load knowledge %}{% knowledge_for_role %}").render(Context({"request": request}))
    assert "over de herzieningsdatum" not in html
