import pytest


@pytest.fixture(autouse=True)
def pages_loaded(request):
    """The data migration loads the pages, but a transactional test elsewhere may have flushed them."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from zicht.knowledge.services import load_pages

        request.getfixturevalue("db")
        load_pages()
