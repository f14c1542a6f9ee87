"""Load the knowledge pages shipped in knowledge/content/ (a fresh install starts with them)."""

from django.db import migrations


def load(apps, schema_editor):
    from zicht.knowledge.services import load_pages

    load_pages(page_model=apps.get_model("knowledge", "KnowledgePage"), version_model=apps.get_model("knowledge", "KnowledgePageVersion"))


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
