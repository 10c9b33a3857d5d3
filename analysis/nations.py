"""Countries, their capitals and nationality adjectives (data/countries.csv).

Why: French news names a foreign government by its capital or its country ("Pékin a répliqué",
"l'Iran a affirmé") and leaves a national body unqualified once the story has said where it is
("selon le ministère de la Santé" in a story about Argentina). A reader counts these as one speaker,
"gouvernement chinois", "ministère argentin de la Santé"; so do the quotes table and the annotators.
French bodies stay unqualified, as French news writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .datafiles import load_csv, load_list
from .entities import key_of
from .lexicon import normalise

HOME_COUNTRY = "France"  # a French newspaper's unmarked country: its bodies take no adjective


@dataclass(frozen=True)
class Country:
    name: str
    adjective_m: str
    adjective_f: str


@dataclass
class Nations:
    """Which country a place name, a capital or a nationality adjective designates."""

    by_place: dict[str, Country] = field(default_factory=dict)      # key_of(country, alias or capital)
    by_adjective: dict[str, Country] = field(default_factory=dict)  # normalised adjective, any gender/number
    body_nouns: set[str] = field(default_factory=set)               # data/national_bodies.txt, normalised

    @classmethod
    def load(cls, corpus=None) -> "Nations":
        nations = cls(body_nouns={normalise(n) for n in load_list("national_bodies.txt", corpus)})
        for row in load_csv("countries.csv", corpus, required=("country", "capital", "adjective_m", "adjective_f")):
            country = Country(row["country"], row["adjective_m"], row["adjective_f"])
            for place in [row["country"], row["capital"], *(row.get("aliases") or "").split("|")]:
                if place.strip():
                    nations.by_place.setdefault(key_of(place), country)
            for adjective in (row["adjective_m"], row["adjective_f"]):
                for form in (adjective, adjective + "s"):
                    nations.by_adjective.setdefault(normalise(form), country)
        return nations

    def country_of_place(self, name: str | None) -> Country | None:
        return self.by_place.get(key_of(name)) if isinstance(name, str) and name.strip() else None

    def country_in(self, words: list[str]) -> Country | None:
        """The country a nationality adjective among these (normalised) words names, if any."""
        return next((self.by_adjective[w] for w in words if w in self.by_adjective), None)

    def government(self, country: Country) -> str:
        """"gouvernement chinois": how the quotes table names a country that speaks."""
        return f"gouvernement {country.adjective_m}"

    def is_home(self, country: Country | None) -> bool:
        return country is not None and country.name == HOME_COUNTRY


def qualified(description: str, country: Country, feminine: bool) -> str:
    """"ministère de la Santé" -> "ministère iranien de la Santé"; "télévision d'Etat" ->
    "télévision d'Etat iranienne" (the adjective goes after the head noun and a fixed "d'Etat")."""
    adjective = country.adjective_f if feminine else country.adjective_m
    head, _, rest = description.partition(" ")
    fixed = re.match(r"d['’]\s*[ÉE]tat\b", rest)
    if fixed:
        return f"{head} {rest[:fixed.end()]} {adjective}{rest[fixed.end():]}"
    return f"{head} {adjective} {rest}".strip()
