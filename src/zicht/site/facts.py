"""Wires the factchecker's top facts (knowledge) into the infographic (areas): siblings in the layers."""

from __future__ import annotations

from zicht.areas.infographic import Fact, register_fact_source
from zicht.knowledge.domain.factcheck import top_facts


def infographic_facts(n: int) -> list[Fact]:
    return [
        Fact(
            statement=s.statement,
            verdict=s.verdict,
            source=" / ".join(dict.fromkeys(src.publisher or src.title for src in s.sources)),
            year=s.year,
            url=s.sources[0].url,
        )
        for s in top_facts(n)
    ]


def register_facts() -> None:
    register_fact_source(infographic_facts)
