"""Who and what each article mentions: raw spaCy entities -> canonical entities with sides.

Counting raw spaCy entities gives nonsense on web text ("Baiden", "Tentative" tagged as a
person, "l'administration Biden" as a place). This module, in order:

1. **filters noise**: stop-listed words, single letters, lower-case words, single words that
   the corpus also writes in lower case (common nouns), sentence-initial capitalised common
   words — every drop is a row of `dropped_mentions` with its reason;
2. **names**: a leading role and its adjectives cut off ("Premier ministre pakistanais X" is
   X), a name in apposition to a role or person noun made a person whatever the model tagged
   ("le ministre Bill Barr"), a capitalised word glued before a person's name taken as its
   first name ("Marine" of "Marine Le Pen", often missed), a full name tagged once found
   wherever the article repeats it, then the alias table (`data/aliases.csv`), then within one
   article a surname alone ("Biden", "M. Lavrov", "Le Pen") links to the full name (of two
   people with that surname, the one named last), a body's first word alone ("la Ligue") links
   to the longer body that starts with it, then close misspellings of a known person
   link by fuzzy matching (rapidfuzz, threshold `FUZZY_THRESHOLD` measured in
   tests/test_entities.py) — every automatic link is a row of `entity_links`;
3. **titles**: "le président russe", "la porte-parole de la Maison Blanche" resolve to the
   person the article itself names in apposition, else to the roles table
   (`data/roles.csv`) at the article's date;
4. **pronouns**: "il"/"elle" subject of a speech verb resolve to the most recent compatible
   person (the subject of a recent sentence first; gender from the alias table, else the first
   name, `data/first_names.csv`), skipping captions and headings;
5. **sides** from the alias table, else from side cues in the name ("ministère russe …").

Tables: `mentions` (DESIGN.md columns + `type`, `method`), `entities`, `entity_links`,
`dropped_mentions`. Unknown stays `UNKNOWN`, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process
from spacy.util import filter_spans

from .datafiles import load_csv, load_list, read_commented_csv, validate_side
from .lexicon import doc_from_tokens, normalise, phrase_matcher

MENTION_COLUMNS = ["doc_id", "mention_id", "sent_id", "start_char", "end_char", "text", "label", "kind",
                   "canonical", "side", "type", "method"]
ENTITY_COLUMNS = ["doc_id", "canonical", "type", "side", "n_mentions", "n_name", "n_title", "n_pronoun",
                  "n_in_title", "first_para", "in_lead", "variants"]
LINK_COLUMNS = ["doc_id", "text", "canonical", "method", "score", "n_mentions"]
DROPPED_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "text", "label", "reason"]

# Measured on tests/data/name_pairs.csv (22 misspellings vs 35 look-alike distinct people from the
# 2,000-article corpus): the lowest threshold with no false link (precision 1.0, recall 0.77);
# tests/test_entities.py recomputes it. Lower would link "Marine Le Pen" to "Marion Le Pen".
FUZZY_THRESHOLD = 84
HONORIFICS = ("m.", "mm.", "mme", "mmes", "mlle", "mr", "dr", "me", "mgr")
# A leading elision ("l'OTAN", any case) or lower-case article ("la France"; "Le Pen" is kept).
ELISION_RE = re.compile(r"^(?:(?i:[ldjmnst]|qu|jusqu|lorsqu|puisqu)['’]|(?:le|la|les|de|du|des) )")
PRONOUN_GENDER = {"il": "m", "elle": "f"}
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "expl:subj"}


def name_similarity(a: str, b: str, **_) -> float:
    """How alike two name keys are (0–100): the worse of the surname and first-name ratios.

    Why not one ratio on the whole string: "Vladimir Poutine"/"Vladimir Ourine" share a first
    name and score 90; requiring both parts to be close separates misspellings from
    different people (see tests/data/name_pairs.csv).
    """
    (a_first, a_last), (b_first, b_last) = split_name(a), split_name(b)
    if not a_last or not b_last:
        return 0.0
    surname = fuzz.ratio(a_last, b_last)
    if a_first and b_first:
        return min(surname, fuzz.ratio(a_first, b_first))
    return surname if bool(a_first) == bool(b_first) else 0.0


SURNAME_PARTICLES = {"le", "la", "de", "du", "des", "d'", "van", "von", "der", "den", "di", "da", "del", "dos",
                     "ben", "bin", "el", "al", "abu", "mac", "saint"}


def split_name(key: str) -> tuple[str, str]:
    """(first names, surname) of a name key; the surname keeps its particles ("le pen", "de villiers")."""
    words = key.split()
    if len(words) < 2 or words[0] in SURNAME_PARTICLES:  # "le pen", "de gaulle": a surname alone
        return "", key
    for k in range(1, len(words) - 1):
        if words[k] in SURNAME_PARTICLES:
            return " ".join(words[:k]), " ".join(words[k:])
    return " ".join(words[:-1]), words[-1]


def _without_particles(surname: str) -> str:
    """ "de rugy" -> "rugy": the press often drops the particle ("M. de Rugy" is tagged "Rugy")."""
    words = surname.split()
    while len(words) > 1 and words[0] in SURNAME_PARTICLES:
        words = words[1:]
    return " ".join(words)


def measure_fuzzy_threshold(pairs: pd.DataFrame) -> tuple[int, float, float]:
    """The lowest threshold with no false link on labelled pairs (a, b, same): (threshold, precision, recall)."""
    scores = [name_similarity(a, b) for a, b in zip(pairs["a"], pairs["b"])]
    same = pairs["same"].astype(bool).tolist()
    for threshold in range(50, 101):
        linked = [s >= threshold for s in scores]
        false_links = sum(l and not t for l, t in zip(linked, same))
        if false_links == 0:
            true_links = sum(l and t for l, t in zip(linked, same))
            return threshold, 1.0, true_links / max(1, sum(same))
    return 101, 1.0, 0.0


def key_of(text: str) -> str:
    """The matching key of a name: no elision, no honorific, normalised, single spaces."""
    text = ELISION_RE.sub("", text.strip().strip(".,;:!?«»\"“”()"))
    words = normalise(text).replace("-", " ").split()
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


@dataclass
class Lexicon:
    """The teacher-edited files, loaded and validated once per corpus."""

    aliases: dict[str, dict]
    roles: list[dict]
    side_cues: dict[str, list[str]]
    stoplist: set[str]
    speech_verbs: set[str]
    persons: dict[str, dict] = field(default_factory=dict)  # canonical -> alias row (PER only)
    first_names: dict[str, str] = field(default_factory=dict)  # normalised first name -> "m" / "f"

    @classmethod
    def load(cls, corpus=None) -> "Lexicon":
        aliases = {}
        for row in load_csv("aliases.csv", corpus, required=("variant", "canonical", "type", "side")):
            validate_side(row["side"], f"{row['_file']}, line {row['_line']}", corpus)
            if row["type"] not in ("PER", "ORG", "LOC", "MISC"):
                raise ValueError(f"{row['_file']}, line {row['_line']}: type must be PER, ORG, LOC or MISC")
            aliases[key_of(row["variant"])] = row
            aliases.setdefault(key_of(row["canonical"]), row)
        roles = load_csv("roles.csv", corpus, required=("role", "side", "canonical", "valid_from", "valid_to"))
        cues: dict[str, list[str]] = {}
        for row in load_csv("side_cues.csv", corpus, required=("cue", "side")):
            validate_side(row["side"], f"{row['_file']}, line {row['_line']}", corpus)
            cues.setdefault(row["side"], []).append(row["cue"])
        persons = {row["canonical"]: row for row in aliases.values() if row["type"] == "PER"}
        first_names = {}
        for row in load_csv("first_names.csv", corpus, required=("first_name", "gender")):
            if row["gender"] not in ("m", "f", "x"):
                raise ValueError(f"{row['_file']}, line {row['_line']}: gender must be m, f or x (both)")
            if row["gender"] != "x":
                first_names[normalise(row["first_name"])] = row["gender"]
        return cls(aliases, roles, cues, _read_list("entity_stoplist.txt", corpus),
                   _read_list("speech_verbs.txt", corpus), persons, first_names)

    def gender_of_name(self, name: str | None) -> str | None:
        """"m"/"f" from the alias table, else from the first name (data/first_names.csv: "Marine" is
        a woman, "Jean-Marie" a man by its first part); None when unknown or used for both."""
        if not name:
            return None
        if gender := (self.persons.get(name) or {}).get("gender"):
            return gender
        words = key_of(name).split()
        # (key_of splits "Jean-Marie": its first part decides). A one-word canonical name is someone the
        # article never names in full: a first name for people met in the street ("Miguel, 27 ans"),
        # and a surname alone ("Macron") is not in the file.
        return self.first_names.get(words[0]) if words else None


def _read_list(name: str, corpus=None) -> set[str]:
    return {normalise(item) for item in load_list(name, corpus)}


# --------------------------------------------------------------------------- per document

class _Article:
    """One article's tokens, matchers and resolved mentions while it is being processed."""

    def __init__(self, doc, tokens, sentences, paragraphs, raw, lexicon, name_counts, side_matcher, corpus_names=None):
        self.doc_id, self.text, self.date = doc.doc_id, doc.text, doc.date
        self.lexicon, self.name_counts = lexicon, name_counts
        self.corpus_names = corpus_names or {}  # last word -> full names the model tags as people across the corpus
        self.tokens = tokens.reset_index(drop=True)
        self.spacy_doc = doc_from_tokens(self.tokens)
        self.cue_matches = side_matcher(self.spacy_doc)
        self.starts = self.tokens["start_char"].to_numpy()
        self.tok = {col: self.tokens[col].tolist() for col in ("text", "lemma", "pos", "dep", "head", "morph", "sent_id", "start_char")}
        self.raw = raw
        self.sent_para = dict(zip(sentences["sent_id"], sentences["para_id"]))
        self.para_kind = dict(zip(paragraphs["para_id"], paragraphs["kind"]))
        self.mentions: list[dict] = []
        self.dropped: list[dict] = []
        self.links: list[dict] = []
        self.appositions: dict[tuple[str, str | None], str] = {}
        self.apposition_roles: dict[tuple[str, str | None], str] = {}  # the role's full wording there

    def side_label(self, match_id: int) -> str:
        """The side code a side-cue match stands for (its PhraseMatcher label)."""
        return self.spacy_doc.vocab.strings[match_id]

    def token_range(self, start: int, end: int) -> range:
        lo = int(self.starts.searchsorted(start, "left"))
        hi = int(self.starts.searchsorted(end, "left"))
        return range(lo, hi)

    def drop(self, m, reason):
        self.dropped.append({"doc_id": self.doc_id, "sent_id": m["sent_id"], "start_char": m["start_char"],
                             "end_char": m["end_char"], "text": m["text"], "label": m["label"], "reason": reason})


def _merge_and_trim(raw: pd.DataFrame, text: str, aliases: dict) -> list[dict]:
    """Glue "Vladimir" + "Poutine" split (or half-missed) by the model; strip a leading elision ("l'OTAN")."""
    out: list[dict] = []
    for m in raw.sort_values("start_char").to_dict("records"):
        following = re.match(r" ([A-ZÀ-Ý][\w'’-]+)", text[m["end_char"]:])
        if following and key_of(f"{m['text']} {following.group(1)}") in aliases:
            m["end_char"] += following.end()
            m["text"] = text[m["start_char"]:m["end_char"]]
        if out and m["start_char"] < out[-1]["end_char"]:
            continue  # swallowed by the extension of the previous mention
        if (out and m["label"] == "PER" and text[out[-1]["end_char"]:m["start_char"]] == " "
                and out[-1]["label"] in ("PER", "MISC") and out[-1]["sent_id"] == m["sent_id"]):
            prev = out[-1]
            prev.update(end_char=m["end_char"], text=text[prev["start_char"]:m["end_char"]], label="PER")
            continue
        if match := ELISION_RE.match(m["text"]):
            m["start_char"] += match.end()
            m["text"] = m["text"][match.end():]
        out.append(m)
    return out


TITLE_QUALIFIERS = {"premier", "premiere", "ancien", "ancienne", "ex", "vice", "nouveau", "nouvelle"}


def _names_apposed_to_person_nouns(raw: list[dict], art: _Article, person_nouns: set[str]) -> list[dict]:
    """Two or three capitalised proper nouns in apposition to a person noun name a person, whatever
    the model tagged them: "le ministre de la Justice Bill Barr" (missed), "le ministre … Chad Wolf"
    (tagged ORG), "Val Demings, élue afro-américaine" (tagged LOC). The parse says it: a proper noun
    `appos` to a role or source noun (`roles.csv`, `source_nouns.txt`) with its `flat:name` parts, or
    a name followed by a comma and such a noun. Names in the alias table keep their type."""
    T, n = art.tok, len(art.tok["text"])
    spans = []
    for i in range(n):
        if T["pos"][i] != "PROPN" or T["dep"][i] != "appos" or not T["text"][i][:1].isupper():
            continue
        head = T["head"][i]
        if head == i or normalise(T["lemma"][head]) not in person_nouns:
            continue
        last = i
        while last + 1 < n and T["head"][last + 1] == i and T["dep"][last + 1] == "flat:name" and T["text"][last + 1][:1].isupper():
            last += 1
        if 1 <= last - i <= 2:
            spans.append((i, last))
    for m in raw:
        rows = art.token_range(m["start_char"], m["end_char"])
        words = m["text"].split()
        if m["label"] == "PER" or not rows or not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
            continue
        j = rows.stop
        if j + 1 < n and T["text"][j] == ",":
            k = j + 1 + (T["pos"][j + 1] == "DET")
            if k < n and T["pos"][k] in ("NOUN", "ADJ", "VERB") and person_nouns & {normalise(T["lemma"][k]), normalise(T["text"][k])}:
                spans.append((rows.start, rows.stop - 1))
    out = [dict(m) for m in raw]
    for lo, hi in spans:
        start, end = int(T["start_char"][lo]), int(T["start_char"][hi]) + len(T["text"][hi])
        text = art.text[start:end]
        if key_of(text) in art.lexicon.aliases:
            continue
        same = [m for m in out if m["start_char"] == start and m["end_char"] == end]
        if same:
            same[0]["label"] = "PER"
        elif not any(m["start_char"] < end and m["end_char"] > start for m in out):
            out.append(_found_name(art, lo, start, end))
    return sorted(out, key=lambda m: m["start_char"])


def _found_name(art: _Article, first_token: int, start: int, end: int) -> dict:
    """A person's name the model did not tag, as a raw mention (resolved later like the others)."""
    return {"doc_id": art.doc_id, "mention_id": -1, "sent_id": int(art.tok["sent_id"][first_token]), "start_char": start,
            "end_char": end, "text": art.text[start:end], "label": "PER", "kind": "name", "canonical": None, "side": None}


def _first_names_missed(raw: list[dict], art: _Article, person_nouns: set[str]) -> list[dict]:
    """"Marine Le Pen" where the model tagged only "Le Pen": a capitalised proper noun written just
    before a person's name (one space, no other mention, not a role or an honorific) is its first name."""
    T, excluded = art.tok, person_nouns | set(HONORIFICS) | art.lexicon.stoplist
    for m in raw:
        rows = art.token_range(m["start_char"], m["end_char"])
        i = rows.start - 1 if rows else -1
        if m["label"] != "PER" or i < 0 or not T["text"][i].istitle() or len(T["text"][i]) < 3:
            continue
        if normalise(m["text"].split()[0]) in art.lexicon.first_names:
            continue  # "Eric Garcetti" has its first name: "de Los Angeles Eric Garcetti"
        # (a capitalised word the model read as a common noun counts too, except where a sentence starts)
        if T["pos"][i] != "PROPN" and not (T["pos"][i] == "NOUN" and i > 0 and T["sent_id"][i - 1] == T["sent_id"][i]):
            continue
        start = int(T["start_char"][i])
        if start + len(T["text"][i]) + 1 != m["start_char"] or normalise(T["text"][i]) in excluded:
            continue
        if i > 0 and (T["pos"][i - 1] == "DET" or normalise(T["text"][i - 1]) in ("de", "du", "d'", "des", "l'", "a", "au", "aux")
                      or T["text"][i - 1][-1:] in ("'", "’")):
            continue  # "le ministre de la Justice Bill Barr", "le secrétaire d'État aux Retraites Laurent X": a complement
        if not any(o is not m and o["start_char"] <= start < o["end_char"] for o in raw):
            m.update(start_char=start, text=art.text[start:m["end_char"]])
    return raw


def _surnames_missed(raw: list[dict], art: _Article) -> list[dict]:
    """"la cheffe de l'exécutif Carrie Lam" where the model tagged only "Carrie" and read "Lam" as a
    symbol: a one-word name followed (one space) by a capitalised word that the article elsewhere
    uses as a person's surname ("Mme Lam") is that person's full name."""
    surnames = {key_of(m["text"]).split()[-1] for m in raw if m["label"] == "PER" and key_of(m["text"])}
    for m in raw:
        if m["label"] not in ("PER", "MISC") or " " in m["text"].strip():
            continue
        after = re.match(r" ([A-ZÀ-Ý][\w-]+)\b", art.text[m["end_char"]:m["end_char"] + 40])
        if after and key_of(after.group(1)) in surnames and key_of(after.group(1)) != key_of(m["text"]):
            end = m["end_char"] + after.end()
            if not any(o is not m and m["end_char"] <= o["start_char"] < end for o in raw):
                m.update(end_char=end, text=art.text[m["start_char"]:end], label="PER")
    return raw


def _frequent_full_names(raw_mentions: pd.DataFrame, first_names: dict[str, str], at_least: int = 3) -> dict[str, set[str]]:
    """Full names the model tags as a person at least `at_least` times across the corpus, and
    (nearly) always as a person, by their last word: "Marine Le Pen" is her wherever the model
    misses her. Only a known first name (data/first_names.csv) and capitalised words or particles,
    so that no title ("Président de la République") or common phrase is imposed."""
    texts = raw_mentions["text"].str.strip()
    multi = texts.str.contains(" ")
    counts = raw_mentions[multi].groupby([texts[multi], "label"]).size().unstack(fill_value=0)
    if "PER" not in counts:
        return {}
    share = counts["PER"] / counts.sum(axis=1)
    names: dict[str, set[str]] = {}
    for name in counts.index[(counts["PER"] >= at_least) & (share >= 0.8)]:
        words = name.split()
        if (normalise(words[0]).split("-")[0] in first_names
                and all(w[:1].isupper() or w.lower() in SURNAME_PARTICLES for w in words[1:])):
            names.setdefault(words[-1], set()).add(name)
    return names


def _repeated_names(raw: list[dict], art: _Article) -> list[dict]:
    """A full name the model tagged once names that person wherever the article writes it again
    ("Marine Le Pen" missed in the lead, tagged in paragraph 3), and so does a full name it tags
    as a person across the corpus (`_frequent_full_names`); shorter mentions inside it give way."""
    out = list(raw)
    names = {m["text"] for m in raw if m["label"] == "PER" and len(m["text"].split()) >= 2}
    for word in set(art.tok["text"]) & art.corpus_names.keys():
        names |= art.corpus_names[word]
    for name in sorted(names, key=len, reverse=True):
        for found in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", art.text):
            start, end = found.span()
            overlapping = [m for m in out if m["start_char"] < end and m["end_char"] > start]
            if any(m["start_char"] < start or m["end_char"] > end or m["end_char"] - m["start_char"] == end - start
                   for m in overlapping):
                continue
            rows = art.token_range(start, end)
            if not rows:
                continue
            out = [m for m in out if m not in overlapping]
            out.append(_found_name(art, rows.start, start, end))
    return sorted(out, key=lambda m: m["start_char"])


AGED_RE = re.compile(r"(?<![\w'’-])([A-ZÀ-Ý][\w-]+(?: [A-ZÀ-Ý][\w-]+)?), (?:[\w-]+(?: [\w-]+){0,2} de )?\d{1,3} ans\b")


def _people_given_an_age(raw: list[dict], art: _Article, common_words: set[str]) -> list[dict]:
    """"Odmaa, Mongole de 27 ans" is missed, "Marine, 35 ans, qui patiente" is not: the way news
    introduces people met in the street. A capitalised word (or two) right before ", 35 ans" that the
    model left untagged is a person, unless the article writes it in lower case elsewhere."""
    out = list(raw)
    for found in AGED_RE.finditer(art.text):
        start, end = found.span(1)
        rows = art.token_range(start, end)
        first = normalise(found.group(1).split()[0])
        if not rows or first in common_words or first in art.lexicon.stoplist:
            continue
        same = [m for m in out if m["start_char"] == start and m["end_char"] == end]
        if same:  # tagged, maybe as MISC: a person all the same, at a sentence start too
            same[0].update(label="PER", given_an_age=True)
        elif not any(m["start_char"] < end and m["end_char"] > start for m in out):
            out.append({**_found_name(art, rows.start, start, end), "given_an_age": True})
    return sorted(out, key=lambda m: m["start_char"])


def _strip_leading_titles(raw: list[dict], person_nouns: set[str]) -> list[dict]:
    """"Premier ministre Mahinda Rajapaksa" tagged as one name: the role (and its adjectives) is not
    part of the name (it stays in the text, where the title step reads it as an apposition)."""
    title_words = person_nouns | TITLE_QUALIFIERS
    for m in raw:
        words = list(re.finditer(r"\S+", m["text"]))
        cut = 0
        while cut < len(words) - 2 and normalise(words[cut].group()) in title_words:
            cut += 1
        if not (cut and m["label"] in ("PER", "MISC") and any(normalise(w.group()) in person_nouns for w in words[:cut])):
            continue
        # and the lower-case adjectives after the role: "Premier ministre pakistanais Imran Khan"
        lower = cut
        while lower < len(words) - 1 and words[lower].group()[:1].islower() and words[lower].group() not in SURNAME_PARTICLES:
            lower += 1
        if lower > cut and all(w.group()[:1].isupper() for w in words[lower:]):
            cut = lower
        m["start_char"] += words[cut].start()
        m["text"] = m["text"][words[cut].start():]
    return raw


def _strip_leading_labels(raw: list[dict], art: _Article, lowercase_words: set[str] = frozenset()) -> list[dict]:
    """"la députée LFI Danièle Obono" tagged as one name: a party acronym (all capitals) or a
    stop-listed word glued before a first name is not part of the person's name. Nor is a word
    that is no first name, right after a preposition or determiner, before one: "sur Twitter
    Lydia Guirous", "le président des Patriotes Florian Philippot", "du Logement Emmanuelle Cosse"."""
    for m in raw:
        words = list(re.finditer(r"\S+", m["text"]))
        inner = next((w for w in words[1:-1] if w.group() in ("M.", "Mme", "Mlle")), None)
        if inner is not None:  # "s'est engagé à l'Assemblée M. Pietraszewski" tagged as one body: the person is from "M."
            m["start_char"] += inner.start()
            m["text"], m["label"] = m["text"][inner.start():], "PER"
            continue
        if m["label"] not in ("PER", "MISC", "LOC", "ORG") or len(words) < 3:
            continue
        # the label is the words before the first first name: "Twitter", or "Rassemblement national" in
        # "du Rassemblement national Nicolas Bay"
        at = next((i for i in range(1, len(words) - 1) if normalise(words[i].group()) in art.lexicon.first_names), 1)
        first, second = words[0].group(), normalise(words[at].group())
        label = m["text"][:words[at].start()].strip()
        acronym = at == 1 and first.isupper() and 2 <= len(first) <= 6 and first.isalpha()
        before = art.text[max(0, m["start_char"] - 12):m["start_char"]].split()
        if at >= 2 and words[0].group() in GLUE_WORDS:  # "de Nice Christian Estrosi" left by a title cut off
            before, first = [words[0].group()], words[1].group()
        glued = (bool(before) and normalise(before[-1]) in GLUE_WORDS and normalise(first) not in art.lexicon.first_names
                 and "-" not in first)
        rest = [w.group() for w in words[at + 1:]]
        if (m["label"] in ("LOC", "ORG") or at > 1) and not (
                glued and second in art.lexicon.first_names and key_of(f"{label} {words[at].group()}") not in art.lexicon.aliases
                and all(w.istitle() and w.replace("-", "").isalpha() and normalise(w) not in lowercase_words
                        or w in SURNAME_PARTICLES for w in rest)):
            continue  # not "la Maison Blanche de Wilmington" (a known name), "La France Insoumise", "Aston Martin DB5"
        if (acronym or glued or normalise(first) in art.lexicon.stoplist) and second in art.lexicon.first_names:
            m["label"] = "PER"  # (also "de l'Ifop Frédéric Dabi", tagged as one place: the person)
            m["start_char"] += words[at].start()
            m["text"] = m["text"][words[at].start():]
    return raw


# Words after which a capitalised word glued before a first name is a label, not part of the name
GLUE_WORDS = {"de", "du", "des", "d'", "sur", "a", "au", "aux", "le", "la", "les", "l'", "en", "via"}


def _only_a_role(m: dict, person_nouns: set[str], text: str = "") -> str | None:
    """"Premier ministre" tagged as a person's name, or "Premier" alone before "ministre": a role (the
    title step reads it), not a name."""
    words = [normalise(w) for w in ELISION_RE.sub("", m["text"]).split()]
    following = normalise(text[m["end_char"]:m["end_char"] + 30]).split()[:1]
    if m["label"] in ("PER", "MISC") and words and all(w in person_nouns | TITLE_QUALIFIERS for w in words) \
            and (any(w in person_nouns for w in words) or following and following[0] in person_nouns):
        return "a role word tagged as a name"
    return None


def _noise_reason(m: dict, art: _Article, lowercase_words: set[str]) -> str | None:
    """Why this raw mention is not an entity, or None. Known aliases are never noise."""
    key, T = key_of(m["text"]), art.tok
    if key in art.lexicon.aliases:
        return None
    if not key or normalise(m["text"].strip()) in art.lexicon.stoplist or key in art.lexicon.stoplist:
        return "stop list"
    if len(key.replace(" ", "")) < 2:
        return "too short to be a name"
    if any(mark in m["text"] for mark in '"«»“”„'):
        return "quote mark inside: a quoted heading or phrase, not a name"
    words = m["text"].split()
    if ELISION_RE.sub("", m["text"])[:1].islower():
        return "lower-case word tagged as a name"
    if len(words) == 1 and not m.get("given_an_age"):  # ("Odmaa, 27 ans": a name at a sentence start all the same)
        if normalise(words[0]) in lowercase_words:
            return "common word: the corpus mostly writes it in lower case"
        rows = art.token_range(m["start_char"], m["end_char"])
        # A capital explained by the position (sentence start, after a colon) on a word spaCy
        # reads as a verb or an adjective: "Unifier l'alliance", not a name.
        i = rows[0] if rows else None
        # (a sentence the parser starts after a word with no full stop, "l'exécutif Carrie Lam", is not one)
        positional = i is not None and (i == 0 or T["sent_id"][i - 1] != T["sent_id"][i] and (
            not T["text"][i - 1][:1].isalnum() or "\n" in art.text[T["start_char"][i - 1]:T["start_char"][i]])
            or T["text"][i - 1] in (":", "«", "“", '"', "-", "–"))
        if positional and T["pos"][i] in ("VERB", "ADJ", "ADV", "PRON", "DET", "ADP", "CCONJ", "NOUN"):
            return f"sentence-initial capitalised word, tagged {T['pos'][i]} by spaCy"
    return None


def _resolve_name(m: dict, art: _Article, known_people: list[str]) -> None:
    """Fill canonical/type/side/method of a name mention (alias, surname, fuzzy, side cue)."""
    lex, key = art.lexicon, key_of(m["text"])
    row = lex.aliases.get(key)
    if row:
        m.update(canonical=row["canonical"], type=row["type"], side=row["side"], method="alias")
        return
    # A surname alone links to a full name of the same article that ends with it.
    first, surname = split_name(key)
    if len([w for w in m["text"].split() if normalise(w) not in HONORIFICS]) == 1:
        first, surname = "", key  # "Mme Apourceau-Poly": a hyphenated surname alone
    if not first:
        def bears_it(other) -> bool:
            parts = split_name(other_key := key_of(other["canonical"] or ""))
            return bool(parts[0]) and (surname in (parts[1], _without_particles(parts[1])) or other_key.endswith(" " + surname))

        bearers = [other for other in art.mentions if other.get("type") == "PER" and bears_it(other)]
        word_before = art.text[max(0, m["start_char"] - 12):m["start_char"]].split()[-1:]
        honorific = any(normalise(w) in HONORIFICS for w in m["text"].split()[:1] + word_before)
        if not bearers and honorific:
            # "M. Haris" makes "Danial Haris", tagged as a place, a person
            bearers = [other for other in art.mentions if other.get("kind") == "name" and other.get("method") == "raw"
                       and other.get("type") in ("LOC", "ORG", "MISC") and bears_it(other)]
            for other in bearers:
                other.update(type="PER", label="PER", side=_side_of(other["canonical"], art))
        # two people of that name ("Marine" and "Jean-Marie Le Pen"): the one named last before it
        if bearers:
            other = _named_last_before(bearers, m["start_char"])
            m.update(canonical=other["canonical"], type="PER", side=other["side"], method="surname")
            art.links.append({"doc_id": art.doc_id, "text": m["text"], "canonical": other["canonical"],
                              "method": "surname", "score": 100.0})
            return
    if m["label"] == "ORG" and " " not in key and not m["text"].isupper() and (bodies := _bodies_starting_with(key, art)):
        other = _named_last_before(bodies, m["start_char"])
        m.update(canonical=other["canonical"], type="ORG", side=other["side"], method="short name")
        art.links.append({"doc_id": art.doc_id, "text": m["text"], "canonical": other["canonical"],
                          "method": "short name", "score": 100.0})
        return
    # Close misspelling of a known person (alias table, or a full name of this article).
    if m["label"] == "PER" and known_people:
        keys = [key_of(p) for p in known_people]
        if key in keys:  # the same name again: no link to list
            m.update(canonical=known_people[keys.index(key)], type="PER", side=_side_of(known_people[keys.index(key)], art),
                     method="name")
            return
        best = process.extractOne(key, keys, scorer=name_similarity, score_cutoff=FUZZY_THRESHOLD)
        # A misspelling is rarer than the name it resembles: "Marine Le Pen", frequent in the
        # corpus, never becomes a variant of a look-alike name.
        if best and art.name_counts.get(key, 0) >= max(3, art.name_counts.get(best[0], 0)):
            best = None
        if best:
            canonical = known_people[best[2]]
            side = lex.persons.get(canonical, {}).get("side") or _side_of(canonical, art)
            m.update(canonical=canonical, type="PER", side=side, method="fuzzy")
            art.links.append({"doc_id": art.doc_id, "text": m["text"], "canonical": canonical,
                              "method": "fuzzy", "score": round(best[1], 1)})
            return
    text = ELISION_RE.sub("", m["text"]).strip()
    words = text.split()
    while words and normalise(words[0]) in HONORIFICS:
        words = words[1:]
    canonical = " ".join(words) or text
    side = _side_from_cues(m, art) if m["label"] != "PER" else None
    m.update(canonical=canonical, type=m["label"], side=side or "UNKNOWN", method="cue" if side else "raw")


def _named_last_before(mentions: list[dict], at: int) -> dict:
    """Of several mentions an ambiguous short form may stand for, the one named last before it (else the first)."""
    before = [m for m in mentions if m["start_char"] < at]
    return max(before, key=lambda m: m["start_char"]) if before else mentions[0]


def _bodies_starting_with(key: str, art: _Article) -> list[dict]:
    """A body's first word alone ("la Ligue", "la Marine") stands for the longer body of the article that
    starts with it and goes on in lower case ("Marine nationale", "Ligue des …"). Not for an acronym or a
    brand, which the caller excludes: "LR" is not "LR de Nice", nor "Ferrari" a Ferrari model."""
    return [m for m in art.mentions if m.get("type") == "ORG" and len(words := (m["canonical"] or "").split()) > 1
            and key_of(words[0]) == key and words[1][0].islower() and words[1].replace("'", "").replace("’", "").isalpha()]


def _side_of(canonical: str, art: _Article) -> str:
    for other in art.mentions:
        if other["canonical"] == canonical:
            return other["side"]
    return "UNKNOWN"


def _side_from_cues(m: dict, art: _Article) -> str | None:
    """The side revealed by a cue inside the mention ("ministère russe de la Défense" -> RU)."""
    rows = art.token_range(m["start_char"], m["end_char"])
    if not rows:
        return None
    sides = {art.side_label(match_id) for match_id, s, e in art.cue_matches if s >= rows.start and e <= rows.stop}
    return sides.pop() if len(sides) == 1 else None


def _split_joined_names(m: dict, art: _Article) -> list[dict] | None:
    """"biden putin" (a caption) is two people: split a mention whose every word is a known person."""
    words = list(re.finditer(r"\S+", m["text"]))
    if len(words) < 2:
        return None
    rows = [art.lexicon.aliases.get(key_of(w.group())) for w in words]
    if not all(r and r["type"] == "PER" for r in rows) or len({r["canonical"] for r in rows}) < 2:
        return None
    return [{**m, "start_char": m["start_char"] + w.start(), "end_char": m["start_char"] + w.end(),
             "text": w.group(), "label": "PER"} for w in words]


# --------------------------------------------------------------------------- titles

def _title_mentions(art: _Article, doc, role_matcher) -> list[dict]:
    """Role phrases: appositions recorded (role -> person), other definite ones become title mentions."""
    spans = filter_spans([doc[s:e] for _, s, e in role_matcher(doc)])
    name_at = {}
    for m in art.mentions:
        if m["type"] == "PER":
            for i in art.token_range(m["start_char"], m["end_char"]):
                name_at[i] = m
    found = []
    T = art.tok
    for span in spans:
        head = span.start
        if "Number=Plur" in T["morph"][head]:
            continue  # "les deux dirigeants": not one person
        end = _extend_title(T, span.end, name_at, int(T["sent_id"][head]))
        side = _span_side(art, head, end)
        role = normalise(span.text)
        det = head - 1
        while det > 0 and T["pos"][det] == "ADJ" and head - det < 3:
            det -= 1  # "le Premier ministre", "l'ancien président"
        det = det if det >= 0 and T["pos"][det] == "DET" else None
        person = None
        missed = _untagged_name_ending(art, head, end)
        if missed is not None:  # "le ministre de l'Economie Bruno Le Maire", the name untagged by the model
            start, stop = int(T["start_char"][missed]), int(T["start_char"][end - 1]) + len(T["text"][end - 1])
            person = _found_name(art, missed, start, stop)
            _resolve_name(person, art, list(dict.fromkeys(list(art.lexicon.persons) + [m["canonical"] for m in art.mentions
                                                                                         if m["type"] == "PER"])))
            person.update(kind="name", is_subject=False)
            art.mentions.append(person)
            end = missed
        elif end < len(T["text"]) and end in name_at:  # "le président russe Vladimir Poutine"
            person = name_at[end]
        elif (end + 1 < len(T["text"]) and T["text"][end] == "," and end + 1 in name_at  # "…, Jena Psaki"
              and not _after_preposition(T, det if det is not None else head)):  # not "Au sujet du président, X critique"
            person = name_at[end + 1]
        else:
            before = (det if det is not None else head) - 1
            if before > 0 and T["text"][before] == "," and before - 1 in name_at:  # "Emily Horne, porte-parole …"
                person = name_at[before - 1]
        first_word = det + 1 if det is not None else head
        full = " ".join(normalise(w) for w in T["text"][first_word:end])  # "premier ministre", "ministre de la sante"
        if person is not None:
            for key in ((role, side), (role, None)):
                if key not in art.appositions:
                    art.appositions[key] = person["canonical"]
                    art.apposition_roles[key] = full
            continue
        if det is None or normalise(T["text"][det]) not in ("le", "la", "l'"):
            continue  # "un haut responsable": anonymous, not a title of one person
        start = int(T["start_char"][det])
        stop = int(T["start_char"][end - 1]) + len(T["text"][end - 1])
        found.append({"doc_id": art.doc_id, "sent_id": int(T["sent_id"][head]), "start_char": start,
                      "end_char": stop, "label": "PER", "kind": "title", "role": role, "side": side or None,
                      "full_role": full})
    return found


def _untagged_name_ending(art: _Article, head: int, end: int) -> int | None:
    """The first token of a person's name that ends a role phrase (tokens head..end-1) untagged by the
    model: a known first name, then capitalised words or particles ("… de l'Economie Bruno Le Maire");
    not a known name such as "Maison Blanche"."""
    T = art.tok
    return next((i for i in range(head + 1, end - 1) if T["text"][i][:1].isupper()
                 and normalise(T["text"][i]) in art.lexicon.first_names
                 and key_of(f"{T['text'][i - 1]} {T['text'][i]}") not in art.lexicon.aliases
                 and all(T["text"][j][:1].isupper() or normalise(T["text"][j]) in SURNAME_PARTICLES for j in range(i + 1, end))),
                None)


def other_role(mine: set[str], theirs: set[str]) -> bool:
    """Two wordings of a role noun name different roles when both are qualified, in other words:
    "le ministre de la Santé" ({santé}) is not "le Premier ministre Scott Morrison" ({premier})."""
    return bool(mine and theirs) and not (mine & theirs)


def _after_preposition(T: dict, i: int) -> bool:
    return i > 0 and (T["pos"][i - 1] == "ADP" or normalise(T["text"][i - 1]) in ("du", "au", "aux", "des"))


def _extend_title(T: dict, end: int, name_at: dict, sent_id: int) -> int:
    """Grow a role phrase over its modifiers: adjectives and "de/du/des …" complements only.

    "le porte-parole du Conseil de sécurité nationale de la Maison Blanche" is one title;
    "le responsable aux journalistes" stops before "aux".
    """
    limit = min(len(T["text"]), end + 14)
    while end < limit and end not in name_at and T["sent_id"][end] == sent_id:
        pos, word = T["pos"][end], normalise(T["text"][end])
        if pos == "ADP" and word not in ("de", "du", "des", "d'"):
            break
        if pos not in ("ADJ", "ADP", "DET", "NOUN", "PROPN") and not (pos == "PUNCT" and word == "-"):
            break
        end += 1
    while end > 0 and T["pos"][end - 1] in ("ADP", "DET"):  # never end on "de la"
        end -= 1
    return end


def _span_side(art: _Article, start: int, end: int) -> str | None:
    sides = {art.side_label(mid) for mid, s, e in art.cue_matches if s >= start and e <= end}
    for m in art.mentions:
        rows = art.token_range(m["start_char"], m["end_char"])
        if rows and rows.start >= start and rows.stop <= end and m["side"] not in ("UNKNOWN", None) and m["type"] != "PER":
            sides.add(m["side"])
    return sides.pop() if len(sides) == 1 else None


def _resolve_title(t: dict, art: _Article, named: set[str]) -> None:
    """The holder of a role: the article's apposition first, then the roles table."""
    role, side = t["role"], t["side"]

    def same_role(key) -> bool:
        def qualifiers(wording):
            return set(wording.split()) - set(role.split()) - {"de", "du", "des", "d'", "la", "le", "l'", "les"}
        return not other_role(qualifiers(t.get("full_role", role)), qualifiers(art.apposition_roles.get(key, role)))

    person = art.appositions.get((role, side)) if same_role((role, side)) else None
    method = "apposition"
    if person is None and side is None:
        holders = {p for (r, s_), p in art.appositions.items() if r == role and same_role((r, s_))}
        person = holders.pop() if len(holders) == 1 else None
    if person is None:
        method = "roles table"
        candidates = [r for r in art.lexicon.roles if normalise(r["role"]) == role and r["canonical"]
                      and (r["side"] or None) == side and _valid(r, art.date, named)]
        person = candidates[0]["canonical"] if len(candidates) == 1 else None
    t["text"] = art.text[t["start_char"]:t["end_char"]]
    if person:
        row = art.lexicon.persons.get(person, {})
        t.update(canonical=person, type="PER", side=row.get("side") or side or _side_of(person, art), method=method)
    else:
        t.update(canonical=None, type="PER", side=side or "UNKNOWN", method="unresolved title")


def _valid(role_row: dict, date, named: set[str]) -> bool:
    """Does the roles-table row apply? By date when the article has one, else if the person is named."""
    if not isinstance(date, str) or not date:
        return role_row["canonical"] in named
    start, stop = role_row["valid_from"] or "0000", role_row["valid_to"] or "9999"
    return start[: len(date)] <= date <= stop[: len(date)] or (len(date) < 10 and role_row["canonical"] in named)


# --------------------------------------------------------------------------- pronouns

def _pronoun_mentions(art: _Article) -> list[dict]:
    """"il"/"elle" subject of a speech verb -> the most recent compatible person."""
    T, verbs = art.tok, art.lexicon.speech_verbs
    out = []
    people = sorted((m for m in art.mentions if m["type"] == "PER" and m["canonical"]
                     and art.para_kind.get(art.sent_para.get(m["sent_id"])) == "body"),
                    key=lambda m: m["start_char"])
    for i in range(len(T["text"])):
        word = normalise(T["text"][i]).lstrip("-").removeprefix("t-")
        if word not in PRONOUN_GENDER or T["dep"][i] not in SUBJECT_DEPS:
            continue
        head = int(T["head"][i])
        if normalise(T["lemma"][head]) not in verbs:
            continue
        start = int(T["start_char"][i])
        person = _antecedent(art, people, start, PRONOUN_GENDER[word], int(T["sent_id"][i]))
        text = T["text"][i]
        offset = text.lower().find(word)
        out.append({"doc_id": art.doc_id, "sent_id": int(T["sent_id"][i]), "start_char": start + offset,
                    "end_char": start + offset + len(word), "text": text[offset:offset + len(word)], "label": "PER",
                    "kind": "pronoun", "canonical": person["canonical"] if person else None,
                    "side": person["side"] if person else "UNKNOWN", "type": "PER",
                    "method": "pronoun" if person else "unresolved pronoun"})
    return out


def _antecedent(art: _Article, people: list[dict], before: int, gender: str, sent_id: int) -> dict | None:
    """Most recent compatible person before `before`: a recent sentence's subject first."""
    earlier = [m for m in people if m["start_char"] < before and _gender_ok(m, gender, art)]
    if not earlier:
        return None
    recent = [m for m in earlier if sent_id - m["sent_id"] <= 2 and m.get("is_subject")]
    return (recent or earlier)[-1]


def _gender_ok(m: dict, gender: str, art: _Article) -> bool:
    known = art.lexicon.gender_of_name(m["canonical"]) or m.get("gender")
    return not known or known == gender


# --------------------------------------------------------------------------- corpus level

def _mostly_lowercase_words(tokens: pd.DataFrame) -> set[str]:
    """Words the corpus writes in lower case more often than capitalised, away from a sentence start.

    Evidence that a capitalised single word tagged as a name is a common word ("Troupes",
    "Président") while "Paris" stays a name although "les paris" exists.
    """
    first = tokens["sent_id"].ne(tokens["sent_id"].shift()) | tokens["doc_id"].ne(tokens["doc_id"].shift())
    after_colon = tokens["text"].shift().isin([":", "«", "“", '"', "-", "–", "—"])
    words = tokens.loc[~first & ~after_colon & (tokens["pos"] != "PUNCT"), "text"]
    words = words[words.str.match(r"^[^\W\d_]", na=False)]
    lower = words.str[0].str.islower()
    norm = words.map(normalise)
    share = lower.groupby(norm).mean()
    return set(share[share > 0.5].index)


def build_entity_tables(documents, paragraphs, sentences, tokens, raw_mentions, corpus=None) -> dict[str, pd.DataFrame]:
    """All four entity tables for a corpus (see the module docstring)."""
    lexicon = Lexicon.load(corpus)
    lowercase = _mostly_lowercase_words(tokens)
    person_keys = raw_mentions.loc[raw_mentions["label"] == "PER", "text"].map(key_of)
    name_counts = person_keys.value_counts().to_dict()
    name_counts.update({key_of(p): 10**6 for p in lexicon.persons})
    corpus_names = _frequent_full_names(raw_mentions, lexicon.first_names)
    side_matcher = phrase_matcher(lexicon.side_cues)
    role_matcher = phrase_matcher({"ROLE": sorted({r["role"] for r in lexicon.roles})})
    person_nouns = {normalise(r["role"]).split()[0] for r in lexicon.roles} | _read_list("source_nouns.txt", corpus)
    by_doc = {name: {d: g for d, g in frame.groupby("doc_id", sort=False)}
              for name, frame in (("tokens", tokens), ("sentences", sentences), ("paragraphs", paragraphs),
                                  ("mentions", raw_mentions))}
    empty = {name: frame.iloc[0:0] for name, frame in (("tokens", tokens), ("sentences", sentences),
                                                        ("paragraphs", paragraphs), ("mentions", raw_mentions))}
    mentions, dropped, links = [], [], []
    for doc in documents.itertuples():
        parts = {name: by_doc[name].get(doc.doc_id, empty[name]) for name in by_doc}
        art = _Article(doc, parts["tokens"], parts["sentences"], parts["paragraphs"], parts["mentions"],
                       lexicon, name_counts, side_matcher, corpus_names)
        _process_article(art, art.spacy_doc, role_matcher, lowercase, person_nouns)
        mentions.extend(art.mentions)
        dropped.extend(art.dropped)
        links.extend(art.links)
    _merge_spelling_variants(mentions, lexicon)
    mention_table = _mention_table(mentions)
    entity_table = _entity_table(mention_table, documents)
    link_table = (pd.DataFrame(links, columns=LINK_COLUMNS[:-1])
                  .groupby(LINK_COLUMNS[:-1], as_index=False, dropna=False).size()
                  .rename(columns={"size": "n_mentions"}))
    return {"mentions": mention_table, "entities": entity_table,
            "entity_links": link_table[LINK_COLUMNS],
            "dropped_mentions": pd.DataFrame(dropped, columns=DROPPED_COLUMNS)}


def _process_article(art: _Article, spacy_doc, role_matcher, lowercase: set[str], person_nouns: set[str]) -> None:
    candidates = []
    merged = _strip_leading_labels(_strip_leading_titles(_merge_and_trim(art.raw, art.text, art.lexicon.aliases),
                                                         person_nouns), art, lowercase)
    named = _first_names_missed(_names_apposed_to_person_nouns(_surnames_missed(merged, art), art, person_nouns), art,
                                person_nouns)
    for m in _first_names_missed(_people_given_an_age(_repeated_names(named, art), art, lowercase | person_nouns), art,
                                 person_nouns):
        split = _split_joined_names(m, art)
        if split:
            candidates.extend(split)
            continue
        reason = _noise_reason(m, art, lowercase) or _only_a_role(m, person_nouns, art.text)
        if reason:
            art.drop(m, reason)
            continue
        candidates.append(m)
    # Full names first, so that surnames and misspellings can link to them; among them the spelling the
    # corpus uses most, so that a misspelling met first ("Bob Wooward (sic)") links to the usual one.
    candidates.sort(key=lambda m: (-len(key_of(m["text"]).split()), -art.name_counts.get(key_of(m["text"]), 0),
                                   m["start_char"]))
    known = dict.fromkeys(art.lexicon.persons)
    for m in candidates:
        _resolve_name(m, art, list(known))
        if m["type"] == "PER" and " " in m["canonical"]:
            known.setdefault(m["canonical"])
        m["kind"] = "name"
        if m["type"] == "PER" and m["label"] != "PER":
            m["label"] = "PER"  # "l'administration Biden" tagged LOC: a person by the alias/surname link
        rows = art.token_range(m["start_char"], m["end_char"])
        m["is_subject"] = bool(rows) and any(art.tok["dep"][i] in SUBJECT_DEPS for i in rows)
        art.mentions.append(m)
    art.mentions.sort(key=lambda m: m["start_char"])
    _drop_glued_words(art)
    named = {m["canonical"] for m in art.mentions if m["type"] == "PER"}
    titles = _title_mentions(art, spacy_doc, role_matcher)
    for t in titles:
        _resolve_title(t, art, named)
        t["is_subject"] = False
    for t in titles:  # a title that swallowed a mis-tagged name ("Secrétaire d'Etat américain" LOC) replaces it
        art.mentions = [m for m in art.mentions if not (t["start_char"] <= m["start_char"] and m["end_char"] <= t["end_char"]
                                                        and m["type"] != "PER")]
    art.mentions.extend(titles)
    art.mentions.sort(key=lambda m: m["start_char"])
    art.mentions.extend(_pronoun_mentions(art))


def person_ending(name: str, people) -> str | None:
    """The longest full name (two words or more) among `people` that `name`, three words or more, ends with.

    A hyphenated surname is one word: "Cathy Apourceau-Poly" does not end with a person "Apourceau-Poly".
    """
    words = key_of(name).split()
    if len(name.split()) < 3:
        return None
    shorter = [p for p in people if len(p.split()) >= 2 and len(ending := key_of(p).split()) < len(words)
               and words[-len(ending):] == ending]
    return max(shorter, key=len) if shorter else None


def _drop_glued_words(art: _Article) -> None:
    """"sur Twitter Anne Hidalgo" tagged as one name in an article that also names "Anne Hidalgo":
    a person's name that ends with another person's full name of the same article is that person
    (the words before it were glued on by the model). Listed with the automatic links."""
    people = {m["canonical"] for m in art.mentions if m["type"] == "PER"}
    for m in art.mentions:
        if m["type"] != "PER":
            continue
        if target := person_ending(m["canonical"], people):
            art.links.append({"doc_id": art.doc_id, "text": m["text"], "canonical": target, "method": "glued words",
                              "score": 100.0})
            m.update(canonical=target, side=_side_of(target, art))


def _merge_spelling_variants(mentions: list[dict], lexicon: Lexicon) -> None:
    """"Edouard Philippe" and "Édouard Philippe" are one entity: keep the most frequent spelling
    (the alias table's canonical when there is one)."""
    counts: dict[str, dict[str, int]] = {}
    for m in mentions:
        if m.get("canonical"):
            forms = counts.setdefault(key_of(m["canonical"]), {})
            forms[m["canonical"]] = forms.get(m["canonical"], 0) + 1
    preferred = {}
    for key, forms in counts.items():
        alias = lexicon.aliases.get(key)
        preferred[key] = alias["canonical"] if alias else max(forms, key=forms.get)
    for m in mentions:
        if m.get("canonical"):
            m["canonical"] = preferred[key_of(m["canonical"])]


def _mention_table(mentions: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(mentions, columns=MENTION_COLUMNS + ["role"])
    if table.empty:
        return table[MENTION_COLUMNS]
    table = table.sort_values(["doc_id", "start_char"], kind="stable")
    table["mention_id"] = table.groupby("doc_id").cumcount()
    table["side"] = table["side"].fillna("UNKNOWN")
    return table[MENTION_COLUMNS].reset_index(drop=True)


def _most_common(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """The most frequent value of `column` per group (ties: first in sort order), vectorised."""
    counts = frame.groupby(keys + [column]).size().rename("n").reset_index()
    counts = counts.sort_values(keys + ["n"], ascending=[True] * len(keys) + [False]).drop_duplicates(keys)
    return counts.set_index(keys)[column]


def _entity_table(mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """One row per (article, canonical entity): counts by kind, title prominence, name variants.

    Name mentions in the article's title (not part of `documents.text`) are found by searching
    the title for the name forms seen in the body; they count in `n_name` and `n_in_title`.
    """
    resolved = mentions.dropna(subset=["canonical"])
    if resolved.empty:
        return pd.DataFrame(columns=ENTITY_COLUMNS)
    keys = ["doc_id", "canonical"]
    kinds = pd.crosstab([resolved["doc_id"], resolved["canonical"]], resolved["kind"])
    kinds = kinds.reindex(columns=["name", "title", "pronoun"], fill_value=0)
    first = pd.concat([_most_common(resolved, keys, "type"), _most_common(resolved, keys, "side")], axis=1)
    names = resolved[resolved["kind"] == "name"]
    variant_counts = names.groupby(keys + ["text"]).size().rename("n").reset_index()
    titles = documents.set_index("doc_id")["title"].fillna("").to_dict()
    variant_counts["in_title"] = [
        len(re.findall(rf"(?<!\w){re.escape(v)}(?!\w)", titles.get(d, ""))) if titles.get(d) else 0
        for d, v in zip(variant_counts["doc_id"], variant_counts["text"])]
    variant_counts = variant_counts.sort_values(keys + ["n"], ascending=[True, True, False])
    variant_counts["label"] = variant_counts["text"] + " (" + variant_counts["n"].astype(str) + ")"
    per_entity = variant_counts.groupby(keys, sort=False).agg(n_in_title=("in_title", "sum"),
                                                             variants=("label", "; ".join))
    table = first.join(kinds).join(per_entity).reset_index()
    table[["n_in_title"]] = table[["n_in_title"]].fillna(0).astype(int)
    table["variants"] = table["variants"].fillna("")
    table["n_name"] = table["name"] + table["n_in_title"]
    table["n_title"], table["n_pronoun"] = table["title"], table["pronoun"]
    table["n_mentions"] = table["n_name"] + table["n_title"] + table["n_pronoun"]
    table["first_para"] = None
    table["in_lead"] = table["n_in_title"] > 0
    table = table[ENTITY_COLUMNS]
    return table.sort_values(["doc_id", "n_mentions"], ascending=[True, False], ignore_index=True)


def score_people(entities: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Per-article precision/recall of the people found, against a hand annotation (doc_id, person).

    Precision: share of the people found that the annotator listed; recall: share of the
    listed people that were found. The notebook prints these next to its chart.
    """
    found = entities[entities["type"] == "PER"]
    rows = []
    for doc_id, expected in gold.groupby("doc_id"):
        truth = set(expected["person"])
        got = set(found.loc[found["doc_id"] == doc_id, "canonical"])
        hit = len(truth & got)
        rows.append({"doc_id": doc_id, "expected": len(truth), "found": len(got),
                     "precision": hit / len(got) if got else float(not truth),
                     "recall": hit / len(truth) if truth else 1.0,
                     "missed": ", ".join(sorted(truth - got)), "extra": ", ".join(sorted(got - truth))})
    return pd.DataFrame(rows)


def measured_quality(gold_path=None) -> pd.DataFrame:
    """People found in each seed article vs the hand annotation (tests/gold/entities_seeds.csv).

    Returns per-article precision/recall plus the Biden/Putin name counts, machine vs reader.
    Empty (with a note) when the annotation is not there, e.g. in an installed package.
    """
    from .cache import PROJECT_ROOT
    from .pipeline import load_corpus

    path = gold_path or PROJECT_ROOT / "tests" / "gold" / "entities_seeds.csv"
    if not path.exists():
        return pd.DataFrame({"note": [f"no hand annotation found at {path}"]})
    gold = read_commented_csv(path)
    found = load_corpus(PROJECT_ROOT / "seeds", progress=False).entities
    scores = score_people(found, gold).set_index("doc_id")
    counts = found.set_index(["doc_id", "canonical"])["n_name"]
    for person in ("Joe Biden", "Vladimir Poutine"):
        rows = gold[gold.person == person].set_index("doc_id")["n_name"]
        short = person.split()[-1]
        scores[f"{short} (lecteur)"] = rows
        scores[f"{short} (machine)"] = [counts.get((d, person), 0) for d in scores.index]
    return scores


def _tables(corpus) -> dict[str, pd.DataFrame]:
    """Build the entity tables once per Corpus object."""
    if "_entity_tables" not in corpus.__dict__:
        corpus.__dict__["_entity_tables"] = build_entity_tables(
            corpus.documents, corpus.paragraphs, corpus.sentences, corpus.tokens, corpus.raw_mentions, corpus.path)
        _add_first_paragraph(corpus)
    return corpus.__dict__["_entity_tables"]


def _add_first_paragraph(corpus) -> None:
    """Prominence: the first paragraph where each entity appears, and whether that is the lead."""
    tables = corpus.__dict__["_entity_tables"]
    mentions = tables["mentions"].merge(corpus.sentences[["doc_id", "sent_id", "para_id"]], on=["doc_id", "sent_id"])
    first = mentions.dropna(subset=["canonical"]).groupby(["doc_id", "canonical"])["para_id"].min()
    entities = tables["entities"]
    entities["first_para"] = [first.get((d, c)) for d, c in zip(entities.doc_id, entities.canonical)]
    entities["in_lead"] = entities["in_lead"] | (entities["first_para"] == 0)


TABLES = {
    "mentions": lambda corpus: _tables(corpus)["mentions"],
    "entities": lambda corpus: _tables(corpus)["entities"],
    "entity_links": lambda corpus: _tables(corpus)["entity_links"],
    "dropped_mentions": lambda corpus: _tables(corpus)["dropped_mentions"],
}
