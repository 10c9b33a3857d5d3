"""Who speaks: turns the speaker phrase of a quote into a person, a body or an unnamed source.

See the module docstring of `quotes.py` (point 3) for the rules, in reading order.
"""

from __future__ import annotations

import re
from collections import Counter

from .entities import key_of, other_role, person_ending
from .lexicon import normalise
from .nations import Nations, qualified
from .quote_grammar import (CLOSERS, DOCUMENT_NOUNS, INDEFINITE_DETERMINERS, INDEFINITE_PRONOUNS, OPENERS, PRONOUN_GENDER,
                            PROXY_NOUNS, STRAIGHT, SUBJECT_DEPS, WORD_RE, WRAPPER_NOUNS, _after_preposition,
                            _author_of_subject, _cue_side, _described_gender, _designates_someone, _det_gender, _Doc,
                            _full_stops_between, _head_noun, _inside_quote, _introduces_someone_new, _lemma_cue,
                            _looks_like_a_name, _name_of, _named_as_subject, _named_at, _np_range, _sentence_range, _who)

# Words that date a role rather than tell it apart: "l'ancienne ministre" may be "la ministre de l'Éducation".
TIME_QUALIFIERS = {"ancien", "ancienne", "ex", "nouveau", "nouvelle", "futur", "future", "actuel", "actuelle"}


class _Speakers:
    """Turns a speaker noun phrase into (speaker, anonymous, side), remembering who spoke last."""

    def __init__(self, d: _Doc, persons_gender: dict[str, str], institution_nouns: set[str] = frozenset(),
                 governments: dict | None = None, name_gender=lambda name: None, nations: Nations | None = None):
        self.d, self.gender = d, dict(persons_gender)  # a copy: guesses are per article
        self.name_gender = name_gender
        self.institution_nouns, self.governments = institution_nouns, governments or {}
        self.nations = nations or Nations()
        self.history: list[dict] = []

    def resolve(self, rng: tuple[int, int] | None, cue: str | None = None) -> dict:
        """Who the noun phrase `rng` designates; a speaker with a name but no side is OTHER (known,
        none of the sides), and so is an unnamed source described through someone known ("un proche
        d'Alain Juppé"); any other unnamed source without a side cue stays UNKNOWN."""
        who = self._resolve(rng, cue)
        if not who.get("anonymous") and isinstance(who.get("speaker"), str) and (person := self._known_person_within(who["speaker"])):
            who = {**who, "speaker": person, "type": "PER"}  # "LFI Danièle Obono" where the article names Danièle Obono
        if not who.get("anonymous") and isinstance(who.get("speaker"), str):
            if (government := self.governments.get(key_of(who["speaker"]))) is not None:
                who = {**who, "speaker": government[0], "side": government[1] or who.get("side")}  # "Washington a averti"
            else:
                who = self._national(who, rng)
        if who.get("speaker") and not who.get("anonymous") and who.get("side") in (None, "UNKNOWN"):
            # "le journaliste américain Bob Woodward": the article's own description gives the side
            who = {**who, "side": self._described_side(who["speaker"]) or "OTHER"}
        elif who.get("anonymous") and who.get("side") in (None, "UNKNOWN") and rng is not None:
            # "un proche d'Alain Juppé": an unnamed source close to someone known speaks for that person's side
            d = self.d
            named = [m for m in d.mention_covering(d.t["start_char"][rng[0]], d.end_char(rng[1]))
                     if m.get("kind") == "name" and m.get("type") in ("PER", "ORG") and isinstance(m.get("canonical"), str)]
            if named:
                who = {**who, "side": named[0].get("side") if named[0].get("side") not in (None, "UNKNOWN") else "OTHER"}
        if who.get("anonymous") and who.get("side") in (None, "UNKNOWN") and not self._sides_in_play():
            who = {**who, "side": "OTHER"}  # "un assesseur" in a story where no side of the corpus appears
        return who

    def _known_person_within(self, speaker: str) -> str | None:
        """The full name of a person of this article that a longer name ends with (entities.person_ending)."""
        return person_ending(speaker, {m["canonical"] for m in self.d.mentions if m.get("type") == "PER"
                                       and m.get("kind") == "name" and isinstance(m.get("canonical"), str)})

    def _national(self, who: dict, rng: tuple[int, int] | None) -> dict:
        """"Pékin a répliqué" is the "gouvernement chinois"; "selon le ministère de la Santé" in a
        paragraph or a story about Argentina is the "ministère argentin de la Santé" (data/countries.csv,
        data/national_bodies.txt). French bodies, and bodies the article already locates, stay as written."""
        nations, speaker, d = self.nations, who["speaker"], self.d
        phrase = d.text[d.t["start_char"][rng[0]]:d.end_char(rng[1])] if rng is not None else speaker
        phrase = re.sub(r"^(?:les?|la)\s+", "", phrase, flags=re.I)  # "la Corée du Sud" (not "Chine nouvelle", the agency)
        if who.get("type") in ("LOC", "ORG", "MISC", None) and (country := nations.country_of_place(speaker)):
            if nations.is_home(country) or nations.country_of_place(phrase) != country:
                return who
            return {**who, "speaker": nations.government(country), "side": self._country_side(country)}
        words = [normalise(w) for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", speaker)]
        if who.get("type") != "description" or not words or words[0].removesuffix("s") not in nations.body_nouns or rng is None:
            return who
        start, end = d.t["start_char"][rng[0]], d.end_char(rng[1])
        head = next((j for j in range(rng[0], rng[1] + 1) if d.lemma[j] == words[0]), None)
        if head is not None and head < rng[1] and d.t["pos"][head + 1] == "ADJ":
            return who  # the article chose its own qualifier: "la police berlinoise", "la télévision nationale"
        if nations.country_in(words) or any(m.get("type") == "LOC" and key_of(m["text"]) != "etat"
                                            for m in d.mention_covering(start, end)):
            return who  # "le gouvernement mexicain", "la police de Minneapolis" (not the "Etat" of "télévision d'Etat")
        country = self._country_at(start)
        if country is None or nations.is_home(country):
            return who
        feminine = head is not None and "Gender=Fem" in (d.t["morph"][head] or "") or _det_gender(d, rng[0]) == "f"
        return {**who, "speaker": qualified(speaker, country, feminine), "side": self._country_side(country)}

    def _country_side(self, country) -> str:
        """The side whose cues hold the country's adjective ("ukrainien" -> UA), else OTHER."""
        adjective = _lemma_cue(country.adjective_m)
        return next((side for side, cues in self.d.side_cues.items() if adjective in cues), "OTHER")

    def _country_at(self, at: int):
        """The country a body mentioned at `at` belongs to: the one named last before it in its paragraph
        (a place or a nationality adjective, outside quote marks), else the one the whole article is
        about (named at least twice, twice as often as any other), in an article that never names France."""
        d, nations = self.d, self.nations
        if getattr(self, "_country_refs", None) is None:
            refs = [(m["start_char"], c) for m in d.mentions if m.get("type") == "LOC" and m.get("kind") == "name"
                    and (c := nations.country_of_place(m.get("canonical") or m["text"]))]
            refs += [(d.t["start_char"][k], c) for k in range(d.n) if d.t["pos"][k] == "ADJ"
                     and (c := nations.country_in([d.lemma[k], d.norm[k]]))]
            # (not inside quote marks: "… avec l'Espagne ou le Portugal", souligne la présidence)
            self._country_refs = sorted(((char, c) for char, c in refs if not any(a <= char < b for a, b in d.quote_ranges)),
                                        key=lambda r: r[0])
        para = d.para_of(at)
        before = [c for char, c in self._country_refs if char < at and d.para_of(char) == para]
        if before:
            return before[-1]
        counts = Counter(c for _, c in self._country_refs)
        if any(nations.is_home(c) for c in counts):
            return None  # French bodies are in play too ("l'ambassadeur de France"): "le ministère" may be the Quai d'Orsay
        ranked = counts.most_common()
        if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return ranked[0][0]
        return None

    def _sides_in_play(self) -> set[str]:
        """The corpus sides (US, RU, …: not OTHER) of what the article names (people, bodies, places): with
        none, an unnamed source cannot speak for one of them, so it is OTHER rather than UNKNOWN."""
        if getattr(self, "_in_play", None) is None:
            self._in_play = {m.get("side") for m in self.d.mentions if m.get("kind") == "name"} - {None, "UNKNOWN", "OTHER"}
        return self._in_play

    def _resolve(self, rng: tuple[int, int] | None, cue: str | None) -> dict:
        d = self.d
        if rng is None:
            return self._previous() or {"speaker_text": None, "speaker": None, "anonymous": False, "side": "UNKNOWN"}
        lo, hi = rng
        start, end = d.t["start_char"][lo], d.end_char(hi)
        text = d.text[start:end]
        word = d.norm[lo].lstrip("-").removeprefix("t-")
        if lo == hi and word in PRONOUN_GENDER:
            found = self._pronoun(PRONOUN_GENDER[word], start) or self._mention_speaker(start, end)
            if found:
                return {**found, "speaker_text": text}
            # "ils" with no one before them: unnamed people ("Hôpital saturé", ont-ils écrit)
            return {"speaker_text": text, "speaker": None, "anonymous": word in ("ils", "elles", "eux"), "side": "UNKNOWN"}
        if re.match(r"(?:ce dernier|cette derniere|ces derniers|ces dernieres|celui-ci|celle-ci)\b", normalise(text)):
            return {**self._last_named_before(start), "speaker_text": text}
        if word in ("celui", "celle") and d.norm[hi + 1:hi + 2] == ["qui"]:  # "affirme celui qui a adhéré au PS en 1990"
            gender = "m" if word == "celui" else "f"
            found = self._antecedent(start, person=True, gender=gender, speaker_first=True, reach=1) or self._latest_person(start, gender)
            return {**(found or {"speaker": None, "anonymous": True, "side": "UNKNOWN"}), "speaker_text": text}
        if re.fullmatch(r"(?:Le|La|Les) [A-ZÀ-Ý][\w-]+", text) and start > 0 and not d.text[:start].rstrip().endswith(
                (".", "!", "?", "»", '"', ":")) and d.text[start - 1] != "\n":
            # "Le Maire" mid-sentence, capitalised, is a surname ("Bruno Le Maire"), not the role "le maire"
            bearer = next((m for m in reversed(d.mentions) if m.get("type") == "PER" and m.get("kind") == "name"
                           and isinstance(m.get("canonical"), str) and m["canonical"].endswith(" " + text)), None)
            if bearer is not None:
                return {**self._as_speaker(bearer), "speaker_text": text}
        named = self._apposed_name(lo, hi)
        if named:
            if d.t["pos"][lo] == "DET":  # "le vice-président du tribunal, Fabrice Castoldi": a man
                self.gender.setdefault(named["speaker"], _det_gender(d, lo))
            return {**named, "speaker_text": text}
        head_lemma = _head_noun(d, lo, hi)
        if head_lemma == "source" and "meme" in d.norm[lo:hi + 1]:  # "selon la même source"
            same = self._previous()
            if same:
                return {**same, "speaker_text": text}
        if head_lemma in DOCUMENT_NOUNS:
            # "le communiqué du ministère de l'Intérieur", "des données diffusées par la London School …",
            # "un bilan établi par l'AFP": the author speaks; "la note d'information": an unnamed author
            author = self._document_author(lo, hi)
            if author is not None:
                return {**self.resolve(author), "speaker_text": text}
            if d.norm[lo] in ("le", "la", "l'", "ce", "cette") and hi == lo + 1 and self.history:
                return {**self._previous(), "speaker_text": text}  # "le communiqué": the document of whoever just spoke
            # "selon l'enregistrement" with no one before, "l'arrêté préfectoral": an unnamed author, never
            # the last person named
            return {"speaker_text": text, "speaker": None, "anonymous": True, "side": _cue_side(d, lo, hi) or "UNKNOWN"}
        if head_lemma in WRAPPER_NOUNS:
            # "l'administration de la Maison Blanche": the body speaks
            of = next((j for j in range(lo, hi) if d.norm[j] in ("de", "du", "des", "d'")), None)
            if of is not None and of < hi:
                return self.resolve((of + 1, hi))
        head = next((j for j in range(lo, hi + 1) if d.t["pos"][j] in ("NOUN", "PROPN")), lo)
        mention = self._mention_speaker(start, end, head)
        side = _cue_side(d, lo, hi)
        joint = self._joint(lo, hi)
        if joint is not None:
            return {**joint, "speaker_text": text}
        if not mention and any(d.t["text"][j][:1].isupper() and d.norm[j] in self.nations.by_adjective for j in range(lo, hi + 1)):
            # "les Britanniques", "une Mongole": people of a nationality, unnamed
            return {"speaker_text": text, "speaker": None, "anonymous": True, "side": side or "UNKNOWN"}
        indefinite = (d.norm[lo] in INDEFINITE_DETERMINERS or d.norm[lo] in INDEFINITE_PRONOUNS
                      or d.norm[lo:lo + 2] in (["d'", "autres"], ["l'", "un"], ["l'", "une"]) or d.norm[lo] in ("l'un", "l'une"))
        if indefinite and not (mention and mention.get("type") == "PER") and head_lemma not in d.source_nouns:
            # "des « gilets jaunes »", "certains", "un habitant": unnamed people
            return {"speaker_text": text, "speaker": None, "anonymous": True, "side": side or "UNKNOWN"}
        name = _name_of(d, lo, hi)
        if name and (not mention or len(name) > mention["length"]):
            # "explique Erika Ramírez" where the model only tagged "Erika": the whole name
            kind = (mention or {}).get("type") or ("ORG" if d.t["pos"][lo] == "DET" else "PER")  # "Le Parisien"
            if d.t["pos"][lo] == "DET":
                self.gender.setdefault(name, _det_gender(d, lo))
            return {"speaker_text": text, "speaker": name, "anonymous": False, "side": side or "UNKNOWN", "type": kind}
        if mention or d.t["pos"][lo] == "PROPN" and lo == hi:
            single = normalise((mention or {}).get("speaker") or d.t["text"][lo])
            full = next((h for h in reversed(self.history) if h.get("speaker") and " " in h["speaker"]
                         and normalise(h["speaker"]).split()[0] == single), None)
            if full is not None:  # "le même Gianluca" after "Gianluca Skiki" spoke
                return {**_who(full), "speaker_text": text}
        if mention and not (head_lemma in d.source_nouns and mention.get("type") != "PER"):
            return {**mention, "speaker_text": text}
        if (d.norm[lo] in ("le", "la", "l'") and d.t["pos"][head] == "NOUN" and head_lemma not in self.institution_nouns
                and _introduces_someone_new(d, head, hi)):  # "le juge d'un tribunal de Moscou": someone new, unnamed
            return {"speaker_text": text, "speaker": None, "anonymous": True, "side": side or "UNKNOWN"}
        title = next((m for m in d.mention_covering(start, end)
                      if m.get("kind") == "title" and not isinstance(m.get("canonical"), str)), None)
        s_hi = _sentence_range(d, hi)[1]
        one_of_several = title is not None and re.search(  # "la présidente d'un des bureaux"
            r"\b(?:d['’]\s*une?|de plusieurs|de certains)\b|\bdes\s+(?!l['’]|la\b|le\b)(?-i:[a-zà-ÿ])",  # not "des Hauts-de-France"
            d.text[title["start_char"]:d.end_char(min(s_hi, hi + 2))], flags=re.I)
        if title is not None and d.norm[lo] in ("le", "la", "l'") and not one_of_several and head_lemma not in PROXY_NOUNS:
            holder = (self._title_holder(lo, start, head_lemma, hi) or self._described_anywhere(lo, hi)
                      or self._recent_person(start, _det_gender(d, lo), head_lemma, lo, hi)
                      # "la ministre de l'Éducation" after "son ancienne ministre Najat Vallaud-Belkacem" (not
                      # "le ministre de la Santé" after "le Premier ministre Scott Morrison")
                      or (described := self._described(head_lemma, start, kinds=("PER",), gender=_det_gender(d, lo)))
                      and not self._other_role(described["speaker"], head_lemma, lo, hi) and described
                      or self._salient_person(start, _det_gender(d, lo), head_lemma, lo, hi))
            if holder:  # "a détaillé le ministre de l'Education nationale" after Jean-Michel Blanquer spoke
                return {**holder, "speaker_text": text}
        if (head_lemma in d.source_nouns and head_lemma not in PROXY_NOUNS and hi <= lo + 1
                and d.norm[lo] in ("le", "la", "l'") and self.history):
            last = self.history[-1]  # "…, ajoute l'élu" right after Xavier Bertrand spoke: Bertrand again
            known = self.gender_of(last.get("speaker"))
            gender = _det_gender(d, lo)
            if (last.get("type") == "PER" and last.get("speaker") and d.para_of(start) - d.para_of(last["at"]) <= 2
                    and (gender is None or not known or known == gender)):
                return {**_who(last), "speaker_text": text}
        if (head_lemma in d.source_nouns and head_lemma not in PROXY_NOUNS and d.norm[lo] in ("le", "la", "l'")
                and not self._introduced_unnamed(head_lemma, start)
                and (known := self._recent_person(start, _det_gender(d, lo), head_lemma, lo, hi))):
            return {**known, "speaker_text": text}  # "a commenté l'élu de Seine-Saint-Denis" after Bastien Lachaud
        if (head_lemma in d.source_nouns and d.norm[lo] in ("son", "sa", "le", "la", "l'") and hi <= lo + 1
                and (named := self._described(head_lemma, len(d.text), kinds=("PER",)))):
            return {**named, "speaker_text": text}  # "a indiqué son avocat" when the article names "son avocat Gérard Baudoux"
        if head_lemma in d.source_nouns or head_lemma in ("meme",) or title is not None:
            side = side or (title or {}).get("side")
            if side in (None, "UNKNOWN"):  # "le responsable", "un autre responsable": the article's earlier unnamed source
                side = next((h["side"] for h in reversed(self.history) if h["anonymous"]), None)
            return {"speaker_text": text, "speaker": None, "anonymous": True, "side": side or "UNKNOWN"}
        description = re.sub(r"^(?:(?:le|la|les|ce|cet|cette|ces)\s+|l['’]\s*)", "", text, flags=re.I)
        description = re.sub(r"\s+", " ", "".join(ch for ch in description if ch not in OPENERS + CLOSERS + STRAIGHT)).strip()
        if d.norm[lo] in ("le", "la", "l'", "les", "ce", "cet", "cette", "ces") and head_lemma:
            same = next((h for h in reversed(self.history) if h["speaker"] and normalise(h["speaker"]) == normalise(description)), None)
            if same:  # "la sécurité routière" spoke before under that very description
                return {**_who(same), "speaker_text": text}
            if head_lemma in self.institution_nouns and hi == lo + 1 and (fuller := self._fuller_form(head_lemma)):
                # a bare "le gouvernement" in an article that once says "le gouvernement mexicain"
                return {"speaker_text": text, "speaker": fuller, "anonymous": False, "side": side or "UNKNOWN",
                        "type": "description"}
            if head_lemma in self.institution_nouns:
                named_at_end = [m for m in d.mention_covering(start, end) if m["end_char"] == end and m["start_char"] > start
                                and m.get("kind") == "name" and isinstance(m.get("canonical"), str)
                                and d.norm[d.token_at(m["start_char"]) - 1] not in ("de", "du", "d'", "des")]
                if named_at_end:  # "l'association Caravane de Solidarité", "la chaîne de télévision Al-Manar"
                    m = named_at_end[0]
                    return {"speaker_text": text, "speaker": m["canonical"], "anonymous": False,
                            "side": m.get("side") or side or "UNKNOWN", "type": "ORG"}
                described = self._described(head_lemma, start, kinds=("ORG", "MISC"))
                if described:  # "le quotidien Le Parisien" earlier makes "le quotidien régional" Le Parisien
                    return {**described, "speaker_text": text}
                # "l'institut météorologique" after Météo France spoke: the same body; "le
                # syndicat des gérants de boîtes de nuit" (a complement introduces it): a new one
                complement = any(d.norm[j] in ("de", "du", "des", "d'") for j in range(head + 1, hi + 1))
                # a national body ("le gouvernement") is never the syndicate or the NGO that spoke before it
                national = head_lemma in self.nations.body_nouns
                earlier = None if complement or national else self._antecedent(start, person=False, window=2)
                if earlier:
                    return {**earlier, "speaker_text": text}
                return {"speaker_text": text, "speaker": description, "anonymous": False, "side": side or "UNKNOWN",
                        "type": "description"}
            if any(m.get("type") == "PER" and m.get("kind") == "name" and m["start_char"] > start
                   for m in d.mention_covering(start, end)):
                # "la popularité de Sergueï Tikhanovski", "la femme de X": about a person, not that person
                return {"speaker_text": text, "speaker": None, "anonymous": False, "side": "UNKNOWN"}
            # "la jeune soldate", "le magnat de l'immobilier", "cette femme": a person already
            # met (the journalist's way of not repeating a name), else an unnamed person
            recent = None
            if d.norm[lo] in ("ce", "cet", "cette"):  # "cet entrepreneur de 41 ans": the person just named
                recent = self._last_named_before(start)
                if not recent.get("speaker") or self.gender_of(recent["speaker"]) not in (None, _det_gender(d, lo)):
                    recent = None
            antecedent = self._antecedent(start, person=True, gender=_det_gender(d, lo), speaker_first=True, reach=1)
            if antecedent and antecedent.get("anonymous") and head_lemma not in normalise(antecedent.get("speaker_text") or ""):
                antecedent = None  # "L'ancien marine" right after "le juge d'un tribunal" spoke is not the judge
            earlier = (self._described(head_lemma, start, gender=_det_gender(d, lo)) or recent or antecedent
                       or self._latest_person(start, _det_gender(d, lo))
                       or d.norm[lo] in ("le", "la", "l'") and self._headline_person(start, _det_gender(d, lo), head_lemma, lo, hi))
            if earlier:
                return {**earlier, "speaker_text": text}
            return {"speaker_text": text, "speaker": None, "anonymous": True, "side": side or "UNKNOWN"}
        if head_lemma and not d.t["pos"][lo] == "PRON" and WORD_RE.search(description):
            return {"speaker_text": text, "speaker": description, "anonymous": False, "side": side or "UNKNOWN",
                    "type": "description"}
        return {"speaker_text": text, "speaker": None, "anonymous": False, "side": side or "UNKNOWN"}

    def _fuller_form(self, noun: str) -> str | None:
        """The one way the article qualifies a body noun, with an adjective ("gouvernement mexicain")
        or a named complement ("ministère des Armées"), or None when it never does or does it several
        ways ("gouvernement italien", "gouvernement français")."""
        d, forms = self.d, set()
        for k in range(d.n - 1):
            if d.lemma[k] != noun or d.t["pos"][k] != "NOUN":
                continue
            if d.t["pos"][k + 1] == "ADJ" and d.t["text"][k + 1].islower() and d.t["dep"][k + 1] == "amod" and d.t["head"][k + 1] == k:
                forms.add(f"{d.t['text'][k]} {d.t['text'][k + 1]}")
            elif d.norm[k + 1] in ("de", "du", "des", "d'") and k + 2 < d.n:
                j = k + 2 + (d.norm[k + 2] in ("la", "l'") and k + 3 < d.n)
                if d.t["text"][j][:1].isupper() and d.t["pos"][j] in ("PROPN", "NOUN"):
                    forms.add(d.text[d.t["start_char"][k]:d.end_char(j)])  # "ministère des Armées"
        return forms.pop() if len(forms) == 1 else None

    def _qualifiers(self, lo: int, hi: int, noun: str | None) -> set[str]:
        """The content words of a role phrase besides its noun: {"premier", "australien"} for "le
        Premier ministre australien", {"sante"} for "le ministre de la Santé"."""
        d = self.d
        return {d.lemma[j] for j in range(lo, hi + 1) if d.t["pos"][j] in ("NOUN", "ADJ", "PROPN") and d.lemma[j] != noun
                and d.lemma[j] not in TIME_QUALIFIERS}  # "son ancienne ministre X" may be "la ministre de l'Éducation"

    def _other_role(self, person: str, noun: str | None, lo: int, hi: int | None) -> bool:
        """Does the article give this person a different role with the same noun ("le Premier ministre
        Scott Morrison" is not "le ministre de la Santé"): both phrases qualified, in different words?"""
        if hi is None or not noun:
            return False
        mine = self._qualifiers(lo, hi, noun)
        return any(found_noun == noun and other_role(mine, self._qualifiers(a, b, noun))
                   for found_noun, a, b in self._descriptions().get(person, []))

    def _title_holder(self, lo: int, at: int, noun: str | None = None, hi: int | None = None,
                      paragraphs: int = 3) -> dict | None:
        """Who "le ministre de l'Education nationale" is when neither the article's appositions nor
        the roles table say: journalists name a person, then use the role to avoid repeating the
        name. So: the person the article once called by that noun ("le ministre X"), else the named
        person who spoke last, else the last person named, within `paragraphs` paragraphs, of the
        determiner's gender, and not someone the article calls by another noun ("l'ancien ministre"
        is not "le secrétaire national d'EELV David Cormand")."""
        d, gender = self.d, _det_gender(self.d, lo)
        called = self._descriptor_nouns()
        if noun:
            holders = [h for h in reversed(self.history) if h.get("type") == "PER" and h.get("speaker")
                       and noun in called.get(h["speaker"], ()) and not self._other_role(h["speaker"], noun, lo, hi)]
            if len({h["speaker"] for h in holders}) == 1:
                return _who(holders[0])
        for h in reversed(self.history):
            if d.para_of(at) - d.para_of(h["at"]) > paragraphs:
                break
            if h.get("type") == "PER" and h.get("speaker") and not h["anonymous"]:
                if noun and called.get(h["speaker"]) and noun not in called[h["speaker"]] or self._other_role(h["speaker"], noun, lo, hi):
                    continue
                known = self.gender_of(h["speaker"])
                if gender is None or not known or known == gender:
                    return _who(h)
        # no one spoke yet: the person named as a subject just before, in the same paragraph
        # ("Xavier Bertrand a accordé un entretien … « … », affirme le président des Hauts-de-France")
        if any(d.para_of(h["at"]) == d.para_of(at) for h in self.history):
            return None
        sent = d.t["sent_id"][d.token_at(at)]
        for m in reversed(d.mentions):
            if m["end_char"] > at or m.get("kind") != "name" or m.get("type") != "PER" or d.para_of(m["start_char"]) != d.para_of(at):
                continue
            k = d.token_at(m["start_char"])
            if sent - d.t["sent_id"][k] > 2:
                break
            if _named_as_subject(d, k, d.token_at(m["end_char"] - 1)):
                known = self.gender_of(m["canonical"])
                if (gender is None or not known or known == gender) and not (
                        noun and called.get(m["canonical"]) and noun not in called[m["canonical"]]):
                    return self._as_speaker(m)
        return None

    def _recent_person(self, at: int, gender: str | None, noun: str | None, lo: int, hi: int,
                       paragraphs: int = 2) -> dict | None:
        """A definite description ("le président du Sénat", "l'élu francilien") names someone the reader
        has met: the person last named as a subject (else named at all, not as a complement) before
        `at`, at most `paragraphs` paragraphs back, of the right gender, not given another role with the
        same noun nor called by another noun ("le ministre" is not "le chef du parti X")."""
        d, called = self.d, self._descriptor_nouns()
        named_speakers = [h for h in reversed(self.history) if h.get("type") == "PER" and h.get("speaker")
                          and not h.get("anonymous") and self._may_be(h["speaker"], gender, noun, lo, hi)]
        for h in named_speakers:  # "l'élu de Seine-Saint-Denis" spoke: "l'élu francilien" is him again
            if noun and noun in normalise(h.get("speaker_text") or "").replace("'", " ").split():
                return _who(h)
        candidates = [m for m in d.mentions if m["start_char"] < at and m.get("kind") == "name" and m.get("type") == "PER"
                      and isinstance(m.get("canonical"), str) and d.para_of(at) - d.para_of(m["start_char"]) <= paragraphs]
        for subjects_only in (True, False):
            for m in reversed(candidates):
                k = d.token_at(m["start_char"])
                last = d.token_at(m["end_char"] - 1)
                if _inside_quote(d, k) or d.t["start_char"][lo] <= m["start_char"] < d.end_char(hi):
                    continue
                subject = _named_as_subject(d, k, last)
                complement = k > 0 and d.norm[k - 1] in ("de", "d'", "du", "des", "a", "au", "aux", "par", "pour", "avec", "contre")
                if subjects_only and not subject or complement:
                    continue
                name = m["canonical"]
                if self._may_be(name, gender, noun, lo, hi) and not (noun and called.get(name) and noun not in called[name]):
                    return self._as_speaker(m)
        # a speaker the model never tagged ("Ainsi parlait Emmanuel Macron")
        recent = next((h for h in named_speakers if d.para_of(at) - d.para_of(h["at"]) <= paragraphs), None)
        return _who(recent) if recent else None

    def _may_be(self, name: str, gender: str | None, noun: str | None, lo: int, hi: int) -> bool:
        """Can this person be the one a description designates: the right gender (when both are known),
        and not given another role with the description's noun by the article?"""
        known = self.gender_of(name)
        return not (gender and known and known != gender) and not self._other_role(name, noun, lo, hi)

    def _introduced_unnamed(self, noun: str, at: int) -> bool:
        """Has the article introduced an unnamed "un passant", "une source" before: "le passant" is that one."""
        d = self.d
        return any(d.lemma[k] == noun and k > 0 and d.norm[k - 1] in ("un", "une", "des", "d'autres", "plusieurs")
                   for k in range(d.token_at(at)))

    def _salient_person(self, at: int, gender: str | None, noun: str | None, lo: int, hi: int) -> dict | None:
        """The person the article is about so far: named most often before `at` (at least twice, more
        than anyone else), of the right gender, and not given another role with this noun. Journalists
        call their main character by a role ("l'ancien ministre du Budget") to avoid repeating a name."""
        named = [m for m in self.d.mentions if m["start_char"] < at and m.get("kind") == "name"
                 and m.get("type") == "PER" and isinstance(m.get("canonical"), str)]
        ranked = Counter(m["canonical"] for m in named).most_common(2)
        if not ranked or ranked[0][1] < 2 or len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            return None
        name = ranked[0][0]
        if not self._may_be(name, gender, noun, lo, hi):
            return None
        return self._as_speaker(next(m for m in named if m["canonical"] == name))

    def _headline_person(self, at: int, gender: str | None, noun: str | None, lo: int, hi: int) -> dict | None:
        """The one person the article's title names who fits a description that comes before any name:
        a lead that opens on "Le chef de l'État a souligné …" under the title "Emmanuel Macron écarte
        un remaniement"."""
        title = normalise(self.d.title or "")
        if not title or any(m.get("type") == "PER" and m.get("kind") == "name" and m["start_char"] < at for m in self.d.mentions):
            return None
        found = {}
        for m in self.d.mentions:
            name = m.get("canonical")
            if m.get("kind") != "name" or m.get("type") != "PER" or not isinstance(name, str) or name in found:
                continue
            surname = normalise(name).split()[-1]
            if re.search(rf"(?<!\w){re.escape(surname)}(?!\w)", title) and self._may_be(name, gender, noun, lo, hi):
                found[name] = m
        return self._as_speaker(next(iter(found.values()))) if len(found) == 1 else None

    def _last_named_before(self, at: int) -> dict:
        """"Ce dernier", "celle-ci": the person named last in the two sentences before, else the
        unnamed person just described ("le tireur"): an anonymous source."""
        d = self.d
        sent = d.t["sent_id"][d.token_at(at)]
        for m in reversed(d.mentions):
            if m["end_char"] > at or m.get("kind") != "name" or not isinstance(m.get("canonical"), str):
                continue
            if sent - d.t["sent_id"][d.token_at(m["start_char"])] > 2:
                break
            if m.get("type") == "PER":
                return self._as_speaker(m)
        return {"speaker": None, "anonymous": True, "side": "UNKNOWN"}

    def _described_anywhere(self, lo: int, hi: int) -> dict | None:
        """"selon le Premier ministre" in an article that says "le Premier ministre australien Scott
        Morrison" before or after: the one person whose description holds every word of the title."""
        d = self.d
        words = {d.lemma[k] for k in range(lo, hi + 1) if d.t["pos"][k] in ("NOUN", "ADJ", "PROPN")}
        if not words:
            return None
        people = {name for name, found in self._descriptions().items()
                  if any(words <= {d.lemma[k] for k in range(a, b + 1)} for _, a, b in found)}
        mentions = {m["canonical"]: m for m in d.mentions if m.get("kind") == "name" and m.get("type") == "PER"
                    and isinstance(m.get("canonical"), str) and m["canonical"] in people}
        return self._as_speaker(next(iter(mentions.values()))) if len(mentions) == 1 else None

    def _descriptor_nouns(self) -> dict[str, set[str]]:
        """The nouns the article puts right before each person's name ("le secrétaire national
        d'EELV David Cormand" -> secrétaire), not through "de" ("les accusations de X")."""
        return {name: {noun for noun, _, _ in found} for name, found in self._descriptions().items()}

    def _described_side(self, name: str) -> str | None:
        """The one side that the side cues of the descriptions before this name reveal, if any."""
        found = self._descriptions().get(name, []) + self._descriptions().get(normalise(name), [])
        sides = {_cue_side(self.d, lo, hi) for _, lo, hi in found} - {None, "UNKNOWN"}
        return sides.pop() if len(sides) == 1 else None

    def _descriptions(self) -> dict[str, list[tuple[str, int, int]]]:
        """(noun, first token, last token) of the description right before each named person or body,
        by canonical name, and by the words of any run of proper nouns the model did not tag. (Not the
        apposition after the name: "Geoffroy Didier, le député européen" does not speak for the EU.)"""
        if getattr(self, "_found_descriptions", None) is None:
            d, self._found_descriptions = self.d, {}
            names = [(m["canonical"], d.token_at(m["start_char"])) for m in d.mentions
                     if m.get("kind") == "name" and m.get("type") in ("PER", "ORG") and isinstance(m.get("canonical"), str)]
            k = 0
            while k < d.n:  # "le journaliste américain d'investigation Bob Woodward", missed by the model
                if d.t["pos"][k] == "PROPN" and (k == 0 or d.t["pos"][k - 1] != "PROPN"):
                    end = k
                    while end + 1 < d.n and d.t["pos"][end + 1] == "PROPN":
                        end += 1
                    names.append((normalise(" ".join(d.t["text"][k:end + 1])), k))
                    k = end
                k += 1
            for name, first in names:
                if first == 0 or d.norm[first - 1] in ("de", "du", "d'", "des", "a", "au", "aux", "par", "pour", "avec"):
                    continue
                for k in range(first - 1, max(-1, first - 7), -1):
                    if d.t["pos"][k] in ("VERB", "AUX", "PUNCT", "SPACE") or "\n" in d.text[d.t["start_char"][k]:d.t["start_char"][first]]:
                        break  # (not the sentence: the parser may start one at the name)
                    if d.t["pos"][k] == "NOUN" and k > 0 and d.t["pos"][k - 1] in ("DET", "ADJ"):
                        a = k
                        while a > 0 and d.t["pos"][a - 1] == "ADJ":
                            a -= 1  # "le Premier ministre australien Scott Morrison"
                        self._found_descriptions.setdefault(name, []).append((d.lemma[k], a, first - 1))
                        break
        return self._found_descriptions

    def _latest_person(self, before: int, gender: str | None, paragraphs: int = 3) -> dict | None:
        """The last person named before `before` (at most `paragraphs` back), of the right gender:
        "le jeune homme" in an article about one young man. A person named as a subject first
        ("Jean-Luc Mélenchon a écorché Emmanuel Macron … », estime le chef de file de LFI")."""
        d = self.d
        for kinds, subject_only in ((("PER",), True), (("PER",), False), (("MISC",), False)):
            # a person the model recognised first, then a first name it tagged MISC
            for m in reversed(d.mentions):
                if m["start_char"] >= before or m.get("kind") != "name" or not isinstance(m.get("canonical"), str):
                    continue
                if d.para_of(before) - d.para_of(m["start_char"]) > paragraphs:
                    break
                if _inside_quote(d, d.token_at(m["start_char"])):
                    continue  # "« … la volonté d'Emmanuel Macron … », a-t-il déclaré": someone the speaker talks about
                if subject_only and not _named_as_subject(d, d.token_at(m["start_char"]), d.token_at(m["end_char"] - 1)):
                    continue
                if m.get("type") in kinds and (kinds == ("PER",) or self._misc_person(m["text"])):
                    known = self.gender_of(m["canonical"])
                    if gender is None or not known or known == gender:
                        return self._as_speaker(m)
        return None

    def _misc_person(self, text: str) -> bool:
        """Is a name the model tagged MISC a person's: the small model tags many first names MISC
        ("Nadia", "Léa Arguillère Toussaint"), but a single word that is no first name ("Facebook") is not one."""
        return _looks_like_a_name(text) and (" " in text.strip() or self.name_gender(text) is not None)

    def _described(self, noun: str, before: int, kinds: tuple[str, ...] = ("PER", "MISC"),
                   gender: str | None = None) -> dict | None:
        """The one person the article describes with this noun next to the name, before `before`:
        "du rappeur Rohff" makes "le rappeur de 38 ans" Rohff; "Érika Ramírez, 23 ans, est
        soldate" makes "la jeune soldate" Érika Ramírez. With a `gender`, only a person who may
        have it, described with a noun of that gender ("le député X" is not "la députée")."""
        d, found = self.d, {}
        names = [m for m in d.mentions if m.get("kind") == "name" and m.get("type") in kinds
                 and isinstance(m.get("canonical"), str) and m["start_char"] < before
                 and self._may_be(m["canonical"], gender, None, 0, None)]
        for k in range(d.n):
            if d.t["start_char"][k] >= before:
                break
            if d.lemma[k] != noun and d.norm[k] != noun:
                continue
            if gender and _det_gender(d, max(0, k - 1)) not in (None, gender):
                continue
            for m in names:
                first, last = d.token_at(m["start_char"]), d.token_at(m["end_char"] - 1)
                between = range(k + 1, first) if first > k else range(last + 1, k)
                if len(between) > 6 or d.t["sent_id"][first] != d.t["sent_id"][k]:
                    continue
                words = [d.t["pos"][j] for j in between]
                if first > k and all(w in ("ADJ",) for w in words) and d.norm[first] not in ("les", "des"):
                    # "le rappeur Rohff", "la députée européenne X" (not "le maire Les Républicains": a party)
                    found[m["canonical"]] = m
                elif first < k and words and d.t["text"][last + 1] == "," and not {"VERB", "ADP"} & set(words):
                    found[m["canonical"]] = m  # "Érika Ramírez, 23 ans, est soldate"
        if len(found) != 1:
            return None
        return self._as_speaker(next(iter(found.values())))

    def gender_of(self, person: str | None) -> str | None:
        """m or f: from the alias table, else from how the article introduces the person
        ("le rappeur Rohff", "Nadia, la femme du rappeur", "Mme Dupont")."""
        if not person:
            return None
        if person in self.gender:
            return self.gender[person]
        if (by_name := self.name_gender(person)) is not None:  # the first name (data/first_names.csv)
            self.gender[person] = by_name
            return by_name
        d, votes = self.d, []
        for m in d.mentions:
            if m.get("canonical") != person or m.get("kind") != "name":
                continue
            first, last = d.token_at(m["start_char"]), d.token_at(m["end_char"] - 1)
            before = first - 1
            if d.norm[first] in ("m.", "m", "monsieur", "mme", "madame", "mlle", "mademoiselle"):
                first, before = first + 1, first  # the honorific inside the mention: "M. Tikhanovski"
            if before >= 0 and d.norm[before] in ("m.", "m", "monsieur"):
                votes.append("m")
            elif before >= 0 and d.norm[before] in ("mme", "madame", "mlle", "mademoiselle"):
                votes.append("f")
            j = before
            while j >= 0 and first - j <= 4 and d.t["pos"][j] in ("NOUN", "ADJ"):
                j -= 1
            if j >= 0 and j < before and (d.t["pos"][j] == "DET" or d.norm[j] in ("du", "au")):  # "le rappeur Rohff"
                votes.append(_det_gender(d, j))
            if last + 3 < d.n and d.t["text"][last + 1] == "," and d.t["pos"][last + 2] == "DET" and (
                    d.t["dep"][last + 3] == "appos" or first <= d.t["head"][last + 3] <= last):
                votes.append(_det_gender(d, last + 2))  # "Nadia, la femme du rappeur", not "Avec M. X, la campagne est"
        votes = [v for v in votes if v]
        guess = None
        if votes and (votes.count("m") == len(votes) or votes.count("f") == len(votes)):
            guess = votes[0]
        self.gender[person] = guess
        return guess

    def _joint(self, lo: int, hi: int) -> dict | None:
        """"les deux parties", "Biden et Poutine": several speakers at once — no single speaker;
        the side is theirs when they share one, else OTHER."""
        d = self.d
        names = [m for m in d.mention_covering(d.t["start_char"][lo], d.end_char(hi))
                 if m.get("type") == "PER" and isinstance(m.get("canonical"), str)]
        together = d.norm[lo:lo + 2] in (["les", "deux"], ["les", "trois"], ["tous", "deux"], ["toutes", "deux"])
        inverted = lo > 0 and d.t["pos"][lo - 1] == "VERB"  # "a rappelé le ministre et les commerces rouvriront": a new clause
        coordinated = any(d.t["dep"][c] == "conj" and c > hi and d.t["pos"][c] in ("NOUN", "PROPN")
                          and (d.t["pos"][c] == "PROPN" or d.t["pos"][c - 1] == "DET")
                          and "et" in d.norm[hi + 1:c] and not any(d.t["pos"][j] == "VERB" for j in range(hi + 1, c))
                          and not (inverted and d.t["pos"][min(d.n - 1, _np_range(d, c)[1] + 1)] in ("VERB", "AUX"))
                          for j in range(lo, hi + 1) for c in d.children.get(j, []))
        if not together and not coordinated and not (len({m["canonical"] for m in names}) >= 2 and "et" in d.norm[lo:hi + 1]):
            return None
        sides = {m.get("side") for m in names}
        side = sides.pop() if len(sides) == 1 and names else "OTHER"
        return {"speaker": None, "anonymous": False, "side": side if side not in (None, "UNKNOWN") else "OTHER", "type": "joint"}

    def _pronoun(self, gender: str | None, at: int) -> dict | None:
        """"il a ajouté": the last compatible speaker, unless a person named as the subject of a
        later sentence (at most two sentences back) is closer ("Renaud Muselier a réagi … il s'est dit")."""
        if gender is None:  # "ils", "elles": a group, never one person named as a subject
            previous = self._previous()
            if previous and previous.get("type") == "PER" and previous.get("speaker") and not previous.get("anonymous"):
                return {"speaker": None, "anonymous": True, "side": "UNKNOWN"}  # nor the one person who spoke last
            return previous
        return (self._antecedent(at, person=True, gender=gender, window=2)
                or self._demonstrative_subject(at, gender)
                or self._body_subject(at, gender)
                or self._latest_person(at, gender)
                or self._antecedent(at, person=None, gender=gender, window=None))

    def _demonstrative_subject(self, at: int, gender: str | None) -> dict | None:
        """"Cet entrepreneur de 41 ans s'est lancé … « … », proclame-t-il": the subject of one of the
        two sentences before, when it is a demonstrative epithet of a named person."""
        d = self.d
        sent = d.t["sent_id"][d.token_at(at)]
        for s_id in (sent - 1, sent - 2):
            if s_id not in d.sent_bounds:
                continue
            lo, hi = d.sent_bounds[s_id]
            for k in range(lo, hi + 1):
                if d.t["dep"][k] not in SUBJECT_DEPS or _inside_quote(d, k) or d.t["pos"][k] != "NOUN":
                    continue
                np_lo, np_hi = _np_range(d, k)
                if d.norm[np_lo] in ("ce", "cet", "cette") and (gender is None or _det_gender(d, np_lo) in (None, gender)):
                    who = self._resolve((np_lo, np_hi), None)
                    if who.get("speaker") and not who.get("anonymous") and who.get("type") in ("PER", "MISC", None):
                        return who
        return None

    def _body_subject(self, at: int, gender: str | None) -> dict | None:
        """"Le tribunal correctionnel a sanctionné … Il estime que …": when no person is the subject
        nearby, "il" is the body that is the main subject of the sentence before, of its gender."""
        d = self.d
        here = d.token_at(at)
        s_id = d.t["sent_id"][here] - 1
        while s_id - 1 in d.sent_bounds and _full_stops_between(d, d.sent_bounds[s_id - 1][1], here) <= 1:
            s_id -= 1  # back to the start of the previous sentence, over the parser's cuts inside it
        if s_id not in d.sent_bounds:
            return None
        lo, hi = d.sent_bounds[s_id][0], d.sent_bounds[d.t["sent_id"][here] - 1][1]
        for k in range(lo, hi + 1):
            if (d.t["dep"][k] in SUBJECT_DEPS and d.t["pos"][k] == "NOUN" and d.lemma[k] in self.institution_nouns
                    and not _inside_quote(d, k)):
                np_lo, np_hi = _np_range(d, k)
                main = np_lo == lo or d.t["head"][d.t["head"][k]] == d.t["head"][k]  # it opens the sentence, or the root's
                if main and d.norm[np_lo] in ("le", "la", "l'") and _det_gender(d, np_lo) in (None, gender):
                    who = self._resolve((np_lo, np_hi), None)
                    return who if who.get("speaker") and not who.get("anonymous") else None
        return None

    def _antecedent(self, at: int, person: bool | None, gender: str | None = None, window: int | None = 2,
                    speaker_first: bool = False, reach: int = 0) -> dict | None:
        """Who an anaphor at `at` most likely designates: the last speaker (of the right kind:
        a person or anonymous source when `person`, a body when not, anyone when None, at most
        `window` paragraphs back), or a closer entity named as a subject in the last two sentences."""
        d = self.d
        last = None
        for h in reversed(self.history):
            if window is not None and d.para_of(at) - d.para_of(h["at"]) > window:
                break
            kind = h.get("type")
            titled = kind == "MISC" and re.match(r"(?:les?|la|l['’])\s*\w", h.get("speaker") or "", flags=re.I)
            person_ok = kind in ("PER", "MISC", "name") and not titled or (h["anonymous"] and not kind)
            body_ok = (kind in ("ORG", "LOC", "description", "name") or titled) and not h["anonymous"]  # "Les Echos" (MISC)
            if person is True and not person_ok or person is False and not body_ok:
                continue
            known = self.gender_of(h["speaker"]) if h["speaker"] else _described_gender(h.get("speaker_text"))
            if gender is None or not known or known == gender:
                last = h
                break
        if last is not None and speaker_first:
            return _who(last)
        fallback = None
        for m in reversed(d.mentions):
            if m["end_char"] > at or not isinstance(m.get("canonical"), str) or m.get("kind") == "pronoun":
                continue
            k = d.token_at(m["start_char"])
            if _full_stops_between(d, k, d.token_at(at)) > 2 or (last is not None and m["start_char"] <= last["at"]):
                break
            named_person = m.get("type") == "PER" or m.get("type") == "MISC" and self._misc_person(m["text"])
            if named_person != (person is not False) or (person is False and m.get("type") != "ORG"):
                continue
            # a subject, or the name that opens its sentence whatever the parser made of it ("Miguel, 27 ans, est Colombien")
            # (not the subject of words in quote marks: "Xi Jinping « a donné son feu vert »" is what the speaker said)
            subject = _named_as_subject(d, k, d.token_at(m["end_char"] - 1)) or _author_of_subject(d, k) or (
                _sentence_range(d, k)[0] == k and m.get("type") == "PER" and d.t["text"][d.token_at(m["end_char"] - 1) + 1] == ",")
            known = self.gender_of(m["canonical"])
            if not _inside_quote(d, k) and (gender is None or not known or known == gender):
                if subject:
                    return self._as_speaker(m)
                complement = d.t["dep"][k] in ("obj", "iobj", "nmod", "obl", "obl:arg", "obl:mod") or (
                    k > 0 and d.norm[k - 1] in ("de", "d'", "du", "des")) or _after_preposition(d, k)
                if fallback is None and not complement and d.para_of(at) - d.para_of(m["start_char"]) <= reach:
                    fallback = m  # the last person named, when no subject is: "… pour le député X. … a-t-il lancé"
        if fallback is not None:
            return self._as_speaker(fallback)
        return _who(last) if last else None

    @staticmethod
    def _as_speaker(m: dict) -> dict:
        return {"speaker": m["canonical"], "anonymous": False, "side": m.get("side") or "UNKNOWN", "type": m.get("type")}

    def _apposed_name(self, lo: int, hi: int) -> dict | None:
        """"Josep Borrell, un poids lourd de l'UE, a déclaré" / "la porte-parole …, Jena Psaki":
        a description set off by a comma next to a person's name speaks as that person."""
        d = self.d
        if self._person_at(d.t["start_char"][lo], d.end_char(hi)):
            return None  # the phrase is itself a name: "Selon Ouchakov, Biden …" is not an apposition
        if lo >= 2 and d.t["text"][lo - 1] == ",":
            found = self._person_at(d.t["start_char"][lo - 2], d.end_char(lo - 2))
            if found:
                return found
        if hi + 2 < d.n and d.t["text"][hi + 1] == "," and (not (lo and d.norm[lo - 1] in ("selon", "apres", "pour", "de"))
                                                            or self._name_ends_sentence(hi + 2)):
            # not "Selon le quotidien, X regrette", but "selon le porte-parole du ministère, Kianouche Jahanpour."
            found = self._person_at(d.t["start_char"][hi + 2], d.end_char(hi + 2))
            if found is None and d.t["pos"][hi + 2] == "PROPN":
                end = hi + 2
                while end + 1 < d.n and d.t["pos"][end + 1] == "PROPN":
                    end += 1
                name = _name_of(d, hi + 2, end)
                if name:  # "la directrice de Caravane de Solidarité, Silvana Mastromatteo"
                    found = {"speaker": name, "anonymous": False, "side": "UNKNOWN", "type": "PER"}
            return found
        return None

    def _document_author(self, lo: int, hi: int) -> tuple[int, int] | None:
        """Who wrote the document a phrase names: the "par X" after its participle ("diffusées par
        X", "établi mardi par X") or its "de X" complement when X designates someone."""
        d = self.d
        s_hi = _sentence_range(d, hi)[1]
        for j in range(lo + 1, min(s_hi, hi + 8) + 1):
            if j > hi and (d.t["text"][j] in (",", ".", ";", ":") or _inside_quote(d, j)
                           or d.t["pos"][j] == "VERB" and "VerbForm=Part" not in d.t["morph"][j]):
                return None
            if j + 1 <= s_hi and (d.norm[j] == "par" or d.norm[j] in ("de", "du", "des", "d'") and j <= hi) \
                    and _designates_someone(d, j + 1, self.institution_nouns):
                return _np_range(d, j + 1)
        return None

    def _name_ends_sentence(self, k: int) -> bool:
        """Is the person named at token k an apposition, not a subject: the last thing in its sentence,
        or set off by commas before the quoted words ("Pour le président de X, Nicolas Dupont-Aignan, « … »")?"""
        d = self.d
        named = _named_at(d, k)
        if named is None:
            return False
        last = named[1]
        if last + 2 < d.n and d.t["text"][last + 1] == "," and d.t["text"][last + 2][:1] in OPENERS + STRAIGHT:
            return True
        return last + 1 >= d.n or d.t["text"][last + 1] in (".", ";", ")", "!", "?") or (
            d.t["sent_id"][last + 1] != d.t["sent_id"][k])

    def _person_at(self, start: int, end: int) -> dict | None:
        for m in self.d.mention_covering(start, end):
            if m.get("type") == "PER" and isinstance(m.get("canonical"), str) and m.get("kind") == "name":
                return {"speaker": m["canonical"], "anonymous": False, "side": m.get("side") or "UNKNOWN", "type": "PER"}
        return None

    def _mention_speaker(self, start: int, end: int, head: int | None = None) -> dict | None:
        """The entity a phrase names: a person anywhere in it (an apposition), another entity only
        when it is the phrase's head ("l'ex-directeur de campagne des Républicains" is not the party)."""
        d = self.d
        hits = [m for m in d.mention_covering(start, end) if isinstance(m.get("canonical"), str)]
        # "l'ancien Premier ministre de Jacques Chirac" is not Chirac; "le président russe Vladimir Poutine" is Poutine
        people = [m for m in hits if m.get("type") == "PER" and not (
            m.get("kind") == "name" and m["start_char"] > start
            and d.norm[max(0, d.token_at(m["start_char"]) - 1)] in ("de", "du", "d'", "des"))]
        if head is not None and not people:
            at = self.d.t["start_char"][head]
            hits = [m for m in hits if m["start_char"] <= at < m["end_char"]]
        chosen = (people or hits or [None])[0]
        if chosen is None:
            return None
        return {"speaker": chosen["canonical"], "anonymous": False, "side": chosen.get("side") or "UNKNOWN",
                "type": chosen.get("type"), "length": chosen["end_char"] - chosen["start_char"]}

    def _previous(self) -> dict | None:
        """Whoever spoke last."""
        if not self.history:
            return None
        return {k: self.history[-1].get(k) for k in ("speaker", "anonymous", "side", "type")}

    def remember(self, who: dict, at: int) -> None:
        if who.get("speaker") or who.get("anonymous") or who.get("type") == "joint":
            self.history.append({**who, "at": at})
