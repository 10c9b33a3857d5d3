"""Who is quoted, directly or in reported speech, for which side: the `quotes` table.

Three kinds (DESIGN.md): `direct` (words between quote marks), `indirect` (reported
speech: "X a déclaré que …", "selon X, …", incises "…, a-t-il ajouté", "X : …") and `mixed`
(a reported clause that contains a quoted fragment: one quote, not two).

How:
1. **Quote marks** are paired per paragraph, family by family (« », curly, straight "), which
   also pairs the web's reversed (” … “), mismatched (“ … ») and closing-as-opener (» … »)
   forms. An unclosed quote ends with its paragraph, unless the next paragraph re-opens it
   (a multi-paragraph quote) or closes it (an odd number of marks there, the first glued to the
   word before it): it can never swallow the article.
2. **Cues** come from the dependency parse of the cached token table: a reporting verb
   (`data/speech_verbs.txt`, also recognised from its form when the small model misreads it)
   with a `que`-clause, a colon, a quoted complement, or in incise position; right after a
   quote and a comma, any verb with its subject after it ("« … », a plaisanté Elon Musk");
   `selon X`, `d'après X`, `de l'avis de X`, a leading `Pour X,`, `« … » selon X` and
   `« … » pour <a named person>` right after a quote; a quote then a colon then a name (a
   headline); a clause ending in a colon before a quote (its `selon X` if it has one); words
   quoted in the complement of a reporting verb earlier in the sentence. Negated ("n'a pas dit
   que", the negation in the verb group) and hypothetical ("pourrait dire", "si … disait")
   speech is skipped.
3. **Speakers**, resolved in reading order: the subject (or the phrase after an incise verb,
   the `par` agent of a passive "des propos jugés « … » par X", the name before a cut the parser
   made inside a long apposition), read through the entity mentions; a capital or a country
   speaking is its government (`data/governments.csv`: "Washington" is the Maison Blanche; any
   other, `data/countries.csv`: "Pékin" is the gouvernement chinois), and an unqualified national
   body in a paragraph or story about a foreign country takes its adjective (`nations.py`); a
   document speaks for the author its "par X"/"de X" names, else it is an unnamed source; a
   pronoun goes to the last compatible speaker or a person just named as a subject (gender from
   the alias table, the first name (`data/first_names.csv`), else from how the article introduces
   the person: "le rappeur Rohff", "Nadia, la femme du…"); an epithet ("la jeune soldate", "le
   magnat de l'immobilier") goes to the person the article describes that way, else the one
   who just spoke; a body's description (`data/institution_nouns.txt`: "l'institut
   météorologique") to the body that just spoke, else it names a body of its own; an
   indefinite group or a description headed by a source noun (`data/source_nouns.txt`:
   "un haut responsable américain", "des manifestants") is an anonymous source whose side comes
   from the side cues; "les deux parties" or "X et Y" is a joint speaker (no single speaker).
   A definite description names someone the reader has met: a role title the article never
   links to a name ("le ministre de l'Education nationale", "le président du Sénat") or a
   definite person noun ("l'élu de Seine-Saint-Denis") is the named person who just spoke, else
   the person last named as a subject within two paragraphs, else the person the article names
   most, of the right gender and not given another role with that noun — never for a
   spokesperson or a source (`PROXY_NOUNS`), for "la présidente d'un des bureaux", or for a noun
   the article introduced as unnamed ("un passant … le passant"). "Ils" is a group, never the one
   person who spoke last; a nationality ("Mongole") is nobody's name. A named speaker with no
   side (alias table, side cues) is OTHER (known, none of these), and so is an unnamed source
   described through someone known ("un proche d'Alain Juppé"); UNKNOWN means the machine could not tell. A quote with no cue takes the subject of
   the clause it completes when that designates someone (not a relative "qui" whose verb is
   quoted: that is the topic); one opening its paragraph like a headline, the person the next
   sentence is about; else it continues the previous speaker.

Like textacy's `direct_quotations`, the rules are readable and their limits are stated:
quotes inside quotes are not split, and a cue the parser misreads is missed — the notebook
shows every quote next to its sentence so that a student can check it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from .datafiles import load_csv, load_list
from .entities import Lexicon, key_of, other_role, person_ending
from .lexicon import guess_verb_lemma, normalise
from .nations import Nations, qualified

QUOTE_COLUMNS = ["doc_id", "quote_id", "kind", "text", "start_char", "end_char", "speaker_text", "speaker",
                 "anonymous", "side", "cue", "sent_id", "n_words"]
OPENERS = "«“„‹"
CLOSERS = "»”‟›"
STRAIGHT = '"'
MIN_UNATTRIBUTED_WORDS = 3  # a shorter quoted fragment with no cue is a scare quote or a title (3: best F1 on the development files; 2 lets titles in)
NEGATIONS = {"pas", "jamais", "guere", "aucunement", "nullement", "point"}
MODALS = {"pouvoir", "devoir", "vouloir", "susceptible", "aller", "falloir"}
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "expl:subj"}
PRONOUN_GENDER = {"il": "m", "elle": "f", "ils": None, "elles": None, "lui": "m", "eux": None}  # "selon lui"
# Words between an incise verb and its subject: "a déclaré mardi 27 septembre Le Parisien".
WEEKDAYS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "encore", "aussi", "ensuite",
            "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
            "novembre", "decembre", "matin", "soir", "dernier", "derniere",
            "alors", "enfin", "egalement", "pourtant", "toutefois", "cependant"}
# Nouns of time, which the parser sometimes takes for a subject ("La veille, Le Canard enchaîné avait
# révélé", "a clamé une fois de plus"): never a speaker.
TIME_NOUNS = {"fois", "veille", "lendemain", "surlendemain", "jour", "matin", "soir", "soiree", "nuit", "semaine", "mois",
              "an", "annee", "heure", "moment", "fin", "debut", "week-end", "matinee", "apres-midi"}
# "alors que", "tandis que", "parce que" …: a subordinate clause, not the content of the verb before it.
INDEFINITE_PRONOUNS = {"certains", "certaines", "plusieurs", "autres", "beaucoup", "tous", "toutes", "aucun", "d'autres"}
INDEFINITE_DETERMINERS = {"un", "une", "des", "certains", "certaines", "plusieurs", "quelques", "nombre", "beaucoup",
                          "d'autres", "autres", "aucun", "aucune", "de", "d'"}
SUBORDINATORS = {"alors", "tandis", "parce", "bien", "afin", "pour", "avant", "sans", "des", "pendant", "depuis",
                 "ainsi", "sorte", "maintenant", "tant", "mesure", "lors", "encore", "meme", "moins", "plus"}
# Nouns for a document that carries an institution's words ("le communiqué du ministère").
DOCUMENT_NOUNS = {"communique", "rapport", "note", "lettre", "message", "declaration", "etude", "bilan", "mot", "propos", "terme",
                  "texte", "site", "compte", "courrier", "avis", "chiffre", "donnee", "statistique", "sondage", "tweet",
                  "comptage", "decompte", "enquete", "estimation", "recensement", "projection", "prevision",
                  "information", "document", "publication"}
# Nouns of a person's account, whose author is who the sentence is about ("le témoignage de X")
TESTIMONY_NOUNS = {"temoignage", "recit", "version", "interview", "entretien", "tribune", "plainte", "confidence", "aveu"}
CLITIC_SUBJECT = r"-(?:t-)?(?:il|elle|ils|elles|on)|t-(?:il|elle|ils|elles|on)"  # "a-t-il", "dit-elle", "a t-il"
HONORIFICS = {"m.", "m", "mme", "mlle", "dr", "dr.", "me", "mgr", "pr", "pr.", "monsieur", "madame"}
# Nouns of people who speak for someone else: "le porte-parole" after Joe Biden spoke is not Biden.
PROXY_NOUNS = {"porte-parole", "responsable", "conseiller", "conseillere", "collaborateur", "collaboratrice",
               "representant", "representante", "entourage", "proche", "source", "diplomate", "negociateur",
               "negociatrice", "officiel", "fonctionnaire", "membre", "attache", "emissaire", "envoye"}
# Nouns for the people around a body, who speak as that body ("l'administration Biden").
WRAPPER_NOUNS = {"administration", "cabinet", "camp", "services", "bureau"}
WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(text: str) -> int:
    """Words in a quote (letters or digits; "aujourd'hui" and "l'UE" count as one)."""
    return len(WORD_RE.findall(text))


# --------------------------------------------------------------------------- quote marks

@dataclass
class QuoteSpan:
    start: int          # offset of the opening mark in documents.text
    end: int            # offset just after the closing mark (or the paragraph end)
    inner: list[tuple[int, int]]  # the quoted words, one (start, end) per paragraph
    closed: bool


def find_quote_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Pair the quote marks of one document, paragraph by paragraph.

    A mark opens a quote and the next mark *of the same family* closes it (« », curly “ ” „,
    straight "), so marks of another family inside are nested quotes and stay inside: that
    also pairs the web's reversed (” … “) and closing-as-opener (» … ») forms. When no mark of
    the same family follows in the paragraph, the next mark of any family closes it (mismatched
    “ … »). A quote still open at the paragraph end ends there, unless the next paragraph
    starts by re-opening it (a quote over several paragraphs: one quote). A lone closing mark
    with nothing after it opens nothing. Linear in the number of marks: 40 marks in a row make
    20 empty quotes, an unclosed « ends with its paragraph.
    """
    spans: list[QuoteSpan] = []
    carry: QuoteSpan | None = None  # a quote left open at the end of the previous paragraph
    for p_start, p_end in paragraphs:
        para = text[p_start:p_end]
        marks = [(i, ch) for i, ch in enumerate(para) if ch in _FAMILY]
        if carry is not None:
            if marks and para[:marks[0][0]].strip() == "":
                current, open_at = carry, marks[0][0]  # the re-opening mark of a continued quote
                marks = marks[1:]
                end = _closing_mark(marks, 0, _FAMILY[para[open_at]])
                if end is None:
                    current.inner.append((p_start + open_at + 1, p_end))
                    current.end = p_end
                    continue  # still open: maybe continued in the next paragraph
                i = marks[end][0]
                current.inner.append((p_start + open_at + 1, p_start + i))
                current.end, current.closed = p_start + i + 1, True
                spans.append(current)
                marks = marks[end + 1:]
            elif _closes_carried_quote(para, marks, _FAMILY[text[carry.start]]):
                i = marks[0][0]  # '"A … (paragraph break) … B", écrit-elle': closed, never re-opened
                carry.inner.append((p_start, p_start + i))
                carry.end, carry.closed = p_start + i + 1, True
                spans.append(carry)
                marks = marks[1:]
            else:
                spans.append(carry)  # not continued: it ended with its paragraph
            carry = None
        k = 0
        while k < len(marks):
            i, ch = marks[k]
            end = _closing_mark(marks, k + 1, _FAMILY[ch])
            if end is None:
                if ch in CLOSERS:
                    break  # a lone closing mark opens nothing
                carry = QuoteSpan(p_start + i, p_end, [(p_start + i + 1, p_end)], False)
                break
            j = marks[end][0]
            spans.append(QuoteSpan(p_start + i, p_start + j + 1, [(p_start + i + 1, p_start + j)], True))
            k = end + 1
    if carry is not None:
        spans.append(carry)
    return spans


_FAMILY = {"«": "guillemets", "»": "guillemets", "‹": "guillemets", "›": "guillemets",
           "“": "curly", "”": "curly", "„": "curly", "‟": "curly", '"': "straight"}


def _split_inner_incises(d: "_Doc", spans: list[QuoteSpan], verbs) -> list[QuoteSpan]:
    """`"A, a dénoncé M. de Rugy. B"`: web copy that forgot to close the quote before its incise
    and to re-open it after. Inside one pair of marks, a comma, a reporting verb with its subject
    after it (a clitic "s'est-il interrogé" or a person named before the next full stop) and that
    full stop make two quotes around the incise, which is then read as any incise is."""
    out = []
    for q in spans:
        cut = _inner_incise(d, q, verbs) if len(q.inner) == 1 else None
        if cut is None:
            out.append(q)
            continue
        comma, resume = cut
        (lo, hi), = q.inner
        out.append(QuoteSpan(q.start, comma, [(lo, comma)], True))
        if WORD_RE.search(d.text[resume:hi]):
            out.append(QuoteSpan(resume, q.end, [(resume, hi)], q.closed))
    return out


def _inner_incise(d: "_Doc", q: QuoteSpan, verbs) -> tuple[int, int] | None:
    """(char of the comma, char where the quote resumes) of an incise inside q's marks, if any."""
    (lo, hi), = q.inner
    k = d.token_at(lo)
    while k < d.n and d.t["start_char"][k] < hi:
        if d.t["text"][k] == "," and d.t["start_char"][k] > lo + 1:
            v = k + 1
            while v < d.n and v < k + 5 and (d.t["pos"][v] in ("AUX", "ADV") or d.norm[v] in ("s'", "se", "t", "-t")
                                             or re.fullmatch(CLITIC_SUBJECT, d.norm[v])):
                v += 1
            if v < d.n and d.t["start_char"][v] < hi and (d.lemma[v] in verbs or guess_verb_lemma(d.t["text"][v], verbs)):
                stop = next((j for j in range(v + 1, min(d.n, v + 25)) if d.t["text"][j] in (".", "!", "?", ";")), None)
                if stop is not None and d.end_char(stop) <= hi:
                    clitic = any(re.search(CLITIC_SUBJECT + "$", d.norm[j]) for j in range(k + 1, v + 3))
                    named = any(m.get("type") == "PER" and m.get("kind") in ("name", "title")
                                for m in d.mention_covering(d.end_char(v), d.t["start_char"][stop]))
                    if clitic or named:
                        resume = d.end_char(stop)
                        while resume < hi and d.text[resume].isspace():
                            resume += 1
                        return d.t["start_char"][k], resume
        k += 1
    return None


def _closes_carried_quote(para: str, marks: list[tuple[int, str]], family: str) -> bool:
    """Does the first mark of this paragraph close the quote the previous one left open? Only when
    the paragraph has an odd number of marks of that family and the first one looks like a closer
    (glued to the word before it, not to the word after: 'en France", écrit …')."""
    if not marks or _FAMILY[marks[0][1]] != family or marks[0][1] in OPENERS:
        return False
    if sum(_FAMILY[ch] == family for _, ch in marks) % 2 == 0:
        return False
    i = marks[0][0]
    return i > 0 and not para[i - 1].isspace() and (i + 1 == len(para) or not para[i + 1].isalnum())


def _closing_mark(marks: list[tuple[int, str]], start: int, family: str) -> int | None:
    """Index in `marks` of the mark that closes a quote opened with `family`, from `start` on."""
    same = next((k for k in range(start, len(marks)) if _FAMILY[marks[k][1]] == family), None)
    if same is not None:
        return same
    if start < len(marks) and marks[start][1] in CLOSERS:
        return start  # “ … »: a mismatched closing mark
    return None


# --------------------------------------------------------------------------- lexicons

# --------------------------------------------------------------------------- one article

class _Doc:
    """Token columns of one article as lists, with the helpers the cue rules need."""

    def __init__(self, doc_id, text, tokens, sentences, mentions, side_cues, source_nouns):
        self.doc_id, self.text = doc_id, text
        self.title = None  # the article's title (not part of `text`), set by the caller when known
        self.t = {c: tokens[c].tolist() for c in ("text", "lemma", "pos", "dep", "head", "morph", "sent_id", "start_char")}
        self.n = len(self.t["text"])
        self.norm = [normalise(w) for w in self.t["text"]]
        self.lemma = [normalise(w) for w in self.t["lemma"]]
        self.children: dict[int, list[int]] = {}
        for i, h in enumerate(self.t["head"]):
            if h != i:
                self.children.setdefault(h, []).append(i)
        self.sent_bounds = {}
        for i, s in enumerate(self.t["sent_id"]):
            lo, hi = self.sent_bounds.get(s, (i, i))
            self.sent_bounds[s] = (min(lo, i), max(hi, i))
        self.sentences = sentences
        self.mentions = mentions.sort_values("start_char").to_dict("records")
        self.side_cues, self.source_nouns = side_cues, source_nouns

    def end_char(self, i: int) -> int:
        return self.t["start_char"][i] + len(self.t["text"][i])

    def token_at(self, char: int) -> int:
        import bisect

        return max(0, bisect.bisect_right(self.t["start_char"], char) - 1)

    def subtree(self, i: int) -> tuple[int, int]:
        lo = hi = i
        stack = [i]
        while stack:
            k = stack.pop()
            lo, hi = min(lo, k), max(hi, k)
            stack.extend(self.children.get(k, []))
        return lo, hi

    def para_of(self, char: int) -> int:
        import bisect

        return bisect.bisect_right(getattr(self, "para_starts", [0]), char)

    def mention_covering(self, start: int, end: int) -> list[dict]:
        return [m for m in self.mentions if m["start_char"] < end and m["end_char"] > start]


def _is_negated_or_hypothetical(d: _Doc, v: int) -> bool:
    """"n'a pas dit que", "pourrait dire", "si … disait": not a quote."""
    kids = d.children.get(v, [])
    group = _verb_group_start(d, v)
    # the negation sits in the verb group ("n'a pas dit", "ne dit pas"), not in a clause the parser
    # hung on the verb ("X, accusé de ne pas avoir réagi, avait reconnu que")
    if any(d.lemma[k] in NEGATIONS and group - 2 <= k <= v + 2 for k in kids):
        return True
    head = d.t["head"][v]
    if d.t["dep"][v] == "xcomp" and d.lemma[head] in MODALS:
        return True
    return any(d.norm[k] == "si" and d.t["dep"][k] == "mark" for k in kids)


def _cue_verbs(d: _Doc, verbs: set[str]) -> list[tuple[int, str]]:
    """(token, lemma) of every reporting verb that is not negated, hypothetical or inside a quote.

    A verb counts when its lemma is listed, or when its form is an inflection of a listed verb
    and it sits where a reporting verb does (tagged as a verb, before "que", or right after a
    quote: the small model reads "note Météo France" as a noun). Right after a quote and a comma
    ("« … », a plaisanté Elon Musk") any verb with its subject after it is a reporting verb: that
    inversion is how French marks an incise. A two-word entry ("faire savoir") matches the lemmas
    of two tokens and is checked like the others.
    """
    out = []
    multi = {tuple(v.split()): v for v in verbs if " " in v}
    incises = _incise_verbs(d)
    for i in range(d.n):
        lemma = d.lemma[i]
        cue = None
        if i in incises and lemma not in ("avoir", "etre"):
            cue = lemma if lemma in verbs else (guess_verb_lemma(d.t["text"][i], verbs) or d.t["lemma"][i])
        elif d.t["pos"][i] in ("VERB", "AUX"):
            cue = lemma if lemma in verbs else guess_verb_lemma(d.t["text"][i], verbs)
        elif d.t["pos"][i] in ("NOUN", "ADJ", "PROPN") and i + 1 < d.n and (
                d.norm[_skip_linking_adverbs(d, i + 1)] in ("que", "qu'", "qu")  # "La sécurité routière indique (en effet) que"
                or i > 0 and d.t["text"][i - 1] == "," and d.t["text"][i].islower() and _inverted_subject_follows(d, i)):
            cue = guess_verb_lemma(d.t["text"][i], verbs)  # "…, rapporte mardi Le Parisien"
        elif d.t["pos"][i] in ("NOUN", "ADJ") and _after_auxiliary(d, i):
            cue = guess_verb_lemma(d.t["text"][i], verbs)  # "Ce dernier lui a tout d'abord répondu :" (tagged NOUN)
        at = i
        for words in multi:
            if i >= len(words) - 1 and tuple(d.lemma[i - len(words) + 1:i + 1]) == words:
                cue, at = " ".join(words), i - len(words) + 1  # the subject hangs on "fait" of "fait savoir"
        if cue and isinstance(verbs, dict) and str(verbs.get(cue, "")).startswith(("s'", "se ")) and _passive_participle(d, at):
            continue  # "ADNX, interrogé par France Bleu": asked, not "s'interroger"
        if cue and not _is_negated_or_hypothetical(d, at) and not _inside_quote(d, at):
            out.append((at, cue))
    return out


def _passive_participle(d: _Doc, v: int) -> bool:
    """A past participle with no reflexive pronoun in its verb group ("interrogé par", not "s'est interrogé")."""
    if "VerbForm=Part" not in d.t["morph"][v] or "Tense=Pres" in d.t["morph"][v]:
        return False
    return not any(d.norm[k] in ("s'", "se", "me", "m'", "te", "t'", "nous", "vous") for k in range(max(0, v - 4), v))


LINKING_ADVERBS = {"en", "effet", "aussi", "donc", "bien", "par", "ailleurs", "pourtant", "encore", "egalement",
                   "notamment", "alors", "meme", "toutefois", "cependant", "ainsi"}


def _skip_linking_adverbs(d: _Doc, j: int) -> int:
    """"rapporte en effet que", "signale aussi que": the token after at most three linking words."""
    k = j
    while k < d.n - 1 and k - j < 3 and d.norm[k] in LINKING_ADVERBS:
        k += 1
    return k


def _after_auxiliary(d: _Doc, i: int) -> bool:
    """Is token i right after a form of "avoir" (over adverbs: "a tout d'abord répondu")?"""
    k = i - 1
    while k >= 0 and i - k < 5 and (d.t["pos"][k] == "ADV" or d.t["dep"][k] == "fixed"):
        k -= 1
    return k >= 0 and d.lemma[k] == "avoir" and d.t["pos"][k] in ("AUX", "VERB")


def _incise_verbs(d: _Doc) -> set[int]:
    """Verbs in incise position after a closed quote: `« … », [aux] VERB subject`."""
    found = set()
    d.after_quote = set()  # verbs right after a quote and a comma: _inverted_subject_follows reads further there
    for q in d.spans:
        if not q.closed or q.end >= len(d.text):
            continue
        k = d.token_at(q.end)
        while k < d.n and d.t["start_char"][k] < q.end:
            k += 1
        if k >= d.n:
            continue
        if d.t["text"][k] != ",":  # no comma: an unmistakable inversion, "« … » a t-il lancé", or a quote
            # that opens its sentence, followed by a verb group ("« … » avait affirmé … la députée de Paris")
            opens = not WORD_RE.search(d.text[max(d.text.rfind("\n", 0, q.start) + 1,
                                                  d.t["start_char"][_sentence_range(d, d.token_at(q.start))[0]]):q.start])
            if not (any(re.fullmatch(CLITIC_SUBJECT, d.norm[j]) or re.search(CLITIC_SUBJECT + "$", d.norm[j])
                        for j in range(k, min(d.n, k + 3))) or opens and d.t["pos"][k] in ("AUX", "VERB")
                    and d.t["text"][k][:1].islower()):
                continue
            k -= 1
        v = k + 1
        while v < d.n and v < k + 5 and (d.t["pos"][v] in ("AUX", "ADV") or d.norm[v] in ("s'", "se", "t", "-t")
                                         or d.norm[v] in WEEKDAYS and d.t["pos"][v] != "NUM"
                                         or d.lemma[v] in ("avoir", "etre") or re.fullmatch(CLITIC_SUBJECT, d.norm[v])):
            v += 1  # "a ainsi lancé", "a-t-il déclaré", "a t -il lancé" (the model tags that "a" VERB)
        if v >= d.n or d.t["pos"][v] in ("PUNCT", "DET", "ADP", "CCONJ", "SCONJ", "NUM") or _is_participle(d, v):
            continue
        if "VerbForm=Inf" in d.t["morph"][v] or not d.t["text"][v][:1].islower():
            continue
        d.after_quote.add(v)
        if _inverted_subject_follows(d, v):
            found.add(v)
    return found


def _skip_insertion(d: _Doc, j: int) -> int:
    """"s'indigne, sous couvert d'anonymat, un interne": the token after an insertion between commas."""
    if j < d.n and d.t["text"][j] == ",":
        close = next((k for k in range(j + 1, min(d.n, j + 8)) if d.t["text"][k] in (",", ".", ";", ":")), None)
        if close is not None and d.t["text"][close] == "," and close + 1 < d.n:
            return close + 1
    return j


# Asides between an incise verb and its subject: "a déclaré pour sa part la femme du pilote"
ASIDES = (("pour", "sa", "part"), ("pour", "leur", "part"), ("de", "son", "cote"), ("de", "leur", "cote"),
          ("a", "son", "tour"), ("a", "leur", "tour"), ("quant", "a", "lui"), ("quant", "a", "elle"))


def _skip_time_words(d: _Doc, j: int, s_hi: int) -> int:
    """"a déclaré mardi", "explique le 13 novembre", "a dit ce lundi", "a déclaré pour sa part": the
    token after the time words and asides."""
    while j <= s_hi:
        if tuple(d.norm[j:j + 3]) in ASIDES:
            j += 3
        elif d.t["pos"][j] in ("ADV", "NUM") or d.norm[j] in WEEKDAYS:
            j += 1
        elif d.norm[j] in ("le", "ce") and j + 1 <= s_hi and (d.t["pos"][j + 1] == "NUM" or d.norm[j + 1] in WEEKDAYS):
            j += 1
        else:
            break
    return j


def _skip_addressee(d: _Doc, j: int, s_hi: int) -> int:
    """"déclare à l'AFP la directrice …", "a dit sur Europe 1 le ministre": the token after the addressee."""
    if j > s_hi or d.t["pos"][j] != "ADP" or d.norm[j] not in ("a", "au", "aux", "sur", "dans", "devant"):
        return j
    k = j + 1
    while k <= s_hi and k < j + 5 and d.t["pos"][k] in ("DET", "NOUN", "PROPN", "ADJ", "NUM") and d.t["text"][k] != ",":
        if d.t["pos"][k] == "DET" and k > j + 1:
            break
        k += 1
    if k <= s_hi and k > j + 1 and d.norm[k] in ("du", "de", "des", "d'"):  # "au lendemain du scandale"
        k += 1
        while k <= s_hi and d.t["pos"][k] in ("DET", "NOUN", "ADJ") and d.t["text"][k] != "," and not (
                d.t["pos"][k] == "DET" and d.t["pos"][k - 1] == "NOUN"):
            k += 1
    return k if k <= s_hi and d.t["pos"][k] in ("DET", "PROPN") else j


def _inverted_subject_follows(d: _Doc, v: int) -> bool:
    """"a plaisanté dimanche Elon Musk", "estime-t-il", "a précisé la porte-parole": a subject after the verb."""
    word = d.norm[v]
    if re.search(r"-(?:t-)?(?:il|elle|ils|elles|on)$", word):
        return True
    if any(re.fullmatch(CLITIC_SUBJECT, d.norm[k]) for k in range(max(0, v - 2), v)):
        return True  # "a-t-il lancé", "a t-il lancé"
    j = _skip_time_words(d, v + 1, d.n - 1)
    if j >= d.n:
        return False
    j = _skip_insertion(d, j)
    j = _skip_time_words(d, _skip_addressee(d, j, _sentence_range(d, v)[1]), d.n - 1)
    if d.norm[j].lstrip("-").removeprefix("t-") in PRONOUN_GENDER or d.norm[j] in ("-t", "t"):
        return True
    if d.t["pos"][j] in ("DET", "PROPN") or (d.t["pos"][j] == "NOUN" and d.t["text"][j][:1].isupper()):
        return True
    # "a dit sur Twitter Vladimir Oustimenko": a person's name a few words on, no determiner between
    stop = next((k for k in range(j, min(d.n, v + 7)) if d.t["pos"][k] in ("PUNCT", "DET", "SCONJ")), min(d.n, v + 7))
    limit = d.t["start_char"][stop] if stop < d.n else len(d.text)
    if any(m.get("type") == "PER" and m.get("kind") == "name" and d.end_char(v) < m["start_char"] < limit
           for m in d.mention_covering(d.end_char(v), limit)):
        return True
    # right after a quote, over a phrase with determiners: "», a balayé d'un revers de la main le
    # ministre Chad Wolf" (not "le conseiller de Poutine": a name after "de" is a complement)
    return v in getattr(d, "after_quote", ()) and _name_in_incise(d, v) is not None


def _name_in_incise(d: _Doc, v: int) -> tuple[int, int] | None:
    """A person's name after incise verb v, before the next punctuation (15 words at most), that
    is not the complement of a preposition ("de Poutine", "à Emmanuel Macron"): the incise's subject."""
    limit = min(d.n, v + 16)
    stop = next((k for k in range(v + 1, limit) if d.t["pos"][k] == "PUNCT"), limit)
    if stop <= v + 1:
        return None
    for m in d.mention_covering(d.end_char(v), d.end_char(stop - 1)):
        lo = d.token_at(m["start_char"])
        if m.get("type") == "PER" and m.get("kind") == "name" and lo > v and d.t["pos"][lo - 1] != "ADP" \
                and d.norm[lo - 1] not in ("de", "du", "d'", "des", "a", "au", "aux"):
            return lo, d.token_at(m["end_char"] - 1)
    return None


def _sentence_range(d: _Doc, i: int) -> tuple[int, int]:
    return d.sent_bounds[d.t["sent_id"][i]]


def _content_of_verb(d: _Doc, v: int) -> tuple[str, int, int] | None:
    """(how, start_char, end_char) of what verb v reports, or None."""
    s_lo, s_hi = _sentence_range(d, v)
    first = _verb_group_start(d, v)
    # 0. an incise right after a quote: the whole quote, over its sentences and paragraphs
    quote = None if _is_participle(d, v) or not _inverted_subject_follows(d, v) else _quote_before_incise(d, first)
    if quote is not None:
        return "incise", quote[0], quote[1]
    # 1. a que-clause: "a déclaré que …" (the parser's ccomp, or "que" right after the verb group)
    for k in d.children.get(v, []):
        if d.t["dep"][k] == "ccomp" and k > v and not _inside_quote(d, v):
            lo, hi = d.subtree(k)
            if "," in d.t["text"][v + 1:lo]:
                continue  # "…, alors que …": a clause after a comma is not what the verb reports
            marks = [j for j in range(v + 1, lo + 1) if d.norm[j] in ("que", "qu'", "qu")]
            if marks and d.norm[marks[-1] - 1] in SUBORDINATORS:
                continue  # "a ajouté X alors que …"
            start = (marks[-1] + 1) if marks else lo
            return "que", d.t["start_char"][start], d.end_char(_trim_end(d, hi))
    for j in range(v + 1, min(s_hi, v + 12) + 1):
        if d.t["text"][j] == ",":
            break  # "…, alors que …": not the verb's clause
        if d.norm[j] in ("que", "qu'", "qu") and d.t["pos"][j] == "SCONJ":
            clause_head = d.t["head"][j]
            fait = d.norm[j - 3:j] == ["sur", "le", "fait"]  # "insister sur le fait que"
            if d.norm[j - 1] in SUBORDINATORS or (d.t["dep"][clause_head] in ("acl", "acl:relcl") and not fait
                                                  and d.t["pos"][v] in ("VERB", "AUX")):
                break  # "alors que …"; "exige des garanties que …": the clause completes a noun (not when
                # the model misread the verb itself: "L'Opinion rapporte [ADJ] en effet que")
            end = _clause_end(d, j + 1, _over_quote_cut(d, s_hi))
            return "que", d.t["start_char"][j + 1], d.end_char(end)
        if d.t["text"][j] == ":":
            return _after_colon(d, j)
        if d.t["pos"][j] in ("VERB",) or d.t["text"][j] in (".", ";"):
            break
    # 2. a quoted complement: "s'est dit « surpris »", "promettant un « retour à la normale »"
    quoted = _quoted_complement(d, v, s_hi)
    if quoted is not None:
        return "que", quoted[0], quoted[1]
    # 3. incise: "…, a déclaré X" — a comma before the verb group, the subject after the verb;
    #    what it reports runs back to the previous sentence end of the paragraph (the parser
    #    often cuts such a sentence before the comma)
    if _is_participle(d, v) or not _inverted_subject_follows(d, v):
        return None
    if first > 0 and d.t["text"][first - 1] in (",", "»", "”", '"', "“", "«"):
        end = first - 1
        while end > 0 and d.t["pos"][end] == "PUNCT" and d.t["text"][end] not in CLOSERS + STRAIGHT:
            end -= 1
        start = _statement_start(d, end)
        # a statement has a verb (or quote marks): "Mohsen Alviri, universitaire …, a souligné
        # l'importance de …" is the subject and its apposition, which the parser cut off
        has_verb = any(d.t["pos"][k] in ("VERB", "AUX") or d.t["text"][k] in STRAIGHT + OPENERS + CLOSERS
                       for k in range(start, end + 1))
        if end >= start and has_verb:
            return "incise", d.t["start_char"][start], d.end_char(end)
    return None


def _statement_start(d: _Doc, end: int) -> int:
    """First token of the statement that ends at token `end`: after the last full stop before it
    in the same paragraph, outside quote marks."""
    para_start = d.text.rfind("\n", 0, d.t["start_char"][end]) + 1
    k = end
    while k > 0 and d.t["start_char"][k - 1] >= para_start:
        if d.t["text"][k - 1] in (".", "!", "?", "…") and not _inside_quote(d, k - 1):
            break
        k -= 1
    return k


def _verb_group_start(d: _Doc, v: int) -> int:
    """First token of the verb group of v: "a ainsi lancé", "a-t-il déclaré", "s'est dit"."""
    first = v
    while first > 0 and v - first < 4 and (d.t["pos"][first - 1] in ("AUX", "ADV") or d.norm[first - 1] in ("s'", "se", "t", "-t")
                                            or d.lemma[first - 1] in ("avoir", "etre")
                                            or re.fullmatch(CLITIC_SUBJECT, d.norm[first - 1])):
        first -= 1
    while first < v and d.t["pos"][first] == "ADV" and d.norm[first] not in ("ne", "n'"):
        first += 1  # a leading adverb belongs to the clause before ("…, alors a dit")
    return first


def _quote_before_incise(d: _Doc, first: int) -> tuple[int, int] | None:
    """`« … », a-t-il dit`: the quote that closes right before the comma of the incise, as a whole;
    or, when the quote only ends a sentence of the journalist's ("Il parle d'une « crise », a …"),
    that sentence up to the quote's end."""
    comma = first - 1
    if comma < 1 or d.t["text"][comma] not in (",",) + tuple(CLOSERS + STRAIGHT):
        return None
    at = d.t["start_char"][comma] if d.t["text"][comma] == "," else d.end_char(comma)
    for q in d.spans:
        if q.closed and at - 3 <= q.end <= at and d.text[q.end:at].strip() == "":
            s_start = d.t["start_char"][_sentence_range(d, d.token_at(q.start))[0]]
            para_start = d.text.rfind("\n", 0, q.start) + 1
            lead = d.text[max(s_start, para_start):q.start]
            if WORD_RE.search(lead) and not lead.rstrip().endswith(":"):
                return max(s_start, para_start), q.end
            return q.start, q.end
    return None


def _quoted_complement(d: _Doc, v: int, s_hi: int) -> tuple[int, int] | None:
    """A quote that opens within three words after the verb, in the same clause: the content runs
    from after the verb to the end of the last quote of the clause (a comma or the sentence ends it)."""
    after = d.end_char(v)
    first = next((q for q in d.spans if after <= q.start), None)
    if first is None:
        return None
    between = [k for k in range(v + 1, d.token_at(first.start)) if d.t["start_char"][k] >= after]
    if len(between) > 3 or any(d.t["text"][k] in (",", ".", ";", ":") for k in between):
        return None
    s_end = d.end_char(s_hi)
    end = first.end
    for q in d.spans:
        if q.start >= end and q.start <= s_end and not re.search(r"[,;.:]", d.text[end:q.start]):
            end = q.end
    start = d.t["start_char"][between[0]] if between else first.start
    return start, end


def _after_colon(d: _Doc, j: int) -> tuple[str, int, int] | None:
    """What a colon introduces: the quote that opens right after it, else the rest of the sentence
    (or the next sentence when the parser ended the sentence on the colon)."""
    colon_end = d.end_char(j)
    for q in d.spans:
        if colon_end <= q.start <= colon_end + 3:
            return ":", q.start, q.end
    if j + 1 >= d.n:
        return None
    nxt = j + 1
    return ":", d.t["start_char"][nxt], d.end_char(_trim_end(d, _sentence_range(d, nxt)[1]))


def _inside_quote(d: _Doc, i: int) -> bool:
    """Is token i between quote marks? Speech reported inside a quote is not split out."""
    char = d.t["start_char"][i]
    return any(a <= char < b for a, b in d.quote_ranges)


def _trim_end(d: _Doc, hi: int) -> int:
    while hi > 0 and d.t["pos"][hi] == "PUNCT" and d.t["text"][hi] not in CLOSERS + OPENERS + STRAIGHT + "?!…":
        hi -= 1
    return hi


def _over_quote_cut(d: _Doc, s_hi: int) -> int:
    """The parser often ends a sentence at a quote mark ("que l'appellation « Rassemblement
    national » ne serait pas disponible"): the real end is the next full stop outside quotes."""
    if s_hi + 1 >= d.n or not (d.t["text"][s_hi] in STRAIGHT + OPENERS + CLOSERS or _inside_quote(d, s_hi + 1)) or (
            d.t["text"][s_hi] in (".", "!", "?", ";") and not _inside_quote(d, s_hi)):
        return s_hi
    k = s_hi + 1
    para = d.para_of(d.t["start_char"][s_hi])
    while k < d.n - 1 and d.para_of(d.t["start_char"][k + 1]) == para and not (
            d.t["text"][k] in (".", "!", "?", ";") and not _inside_quote(d, k)):
        k += 1
    return k


def _clause_end(d: _Doc, start: int, s_hi: int) -> int:
    """End of a que-clause when the parser gave no ccomp: up to an incise verb or the sentence end."""
    for j in range(start, s_hi + 1):
        if d.t["text"][j] == "," and j + 2 <= s_hi and d.lemma[j + 1] in ("avoir", "être") and d.t["pos"][j + 2] == "VERB":
            return _trim_end(d, j - 1)
    return _trim_end(d, s_hi)


def _subject_of(d: _Doc, v: int, how: str) -> tuple[int, int] | None:
    """Token range of the speaker noun phrase of verb v; for a relative "qui", its antecedent."""
    return _relative_antecedent(d, _subject_phrase(d, v, how))


def _relative_antecedent(d: _Doc, rng: tuple[int, int] | None) -> tuple[int, int] | None:
    """A relative "qui" stands for the phrase before it: "Marine, 35 ans, qui patiente : « … »"."""
    if rng is None or rng[0] != rng[1] or d.norm[rng[0]] != "qui":
        return rng
    k = rng[0] - 1
    if k >= 0 and d.t["text"][k] == ",":
        k -= 1
    for j in range(k, max(-1, k - 5), -1):  # a name a few words back, over ", 35 ans,"
        names = [m for m in d.mention_covering(d.t["start_char"][j], d.end_char(j))
                 if m.get("kind") == "name" and (m.get("type") in ("PER", "ORG") or _looks_like_a_name(m["text"]))]
        if names:
            return d.token_at(names[0]["start_char"]), j
        if d.t["text"][j] in (".", ":", ";") or d.t["pos"][j] == "VERB":
            break
    end = k
    while k > 0 and d.t["pos"][k] == "ADJ":
        k -= 1  # "une source syndicale, qui …"
    if k >= 0 and d.t["pos"][k] in ("PROPN", "NOUN"):
        return _np_start(d, k), end
    return rng


def _inverted_name(d: _Doc, v: int) -> tuple[int, int] | None:
    """"Les spectateurs aussi changeront, ajoute Igor Tsvirko : « … »": a verb set off by a comma
    with a person's name right after it has that name as its (inverted) subject."""
    first = _verb_group_start(d, v)
    if first == 0 or d.t["text"][first - 1] != "," or _is_participle(d, v):
        return None
    j = _skip_time_words(d, v + 1, _sentence_range(d, v)[1])
    return _named_at(d, j) if j < d.n and (j == v + 1 or d.t["pos"][j] != "DET") else None


def _subject_phrase(d: _Doc, v: int, how: str) -> tuple[int, int] | None:
    if how != "incise" and (inverted := _inverted_name(d, v)) is not None:
        return inverted
    if how != "incise" and (agent := _passive_agent(d, v)) is not None:
        return agent
    if how != "incise" and (absolute := _absolute_subject(d, v)) is not None:
        return absolute
    if how != "incise" and d.t["dep"][v] == "conj":
        head = v
        while d.t["dep"][head] == "conj" and d.t["head"][head] != head:
            head = d.t["head"][head]
        shared = [k for k in d.children.get(head, []) if d.t["dep"][k] in SUBJECT_DEPS and k < head
                  and not _inside_quote(d, k)]
        main_clause = d.t["head"][head] == head  # not "… que le Kremlin était satisfait, mais a déclaré que"
        if main_clause and shared and not any(d.t["dep"][k] in SUBJECT_DEPS for k in d.children.get(v, [])):
            return _np_range(d, shared[0])  # "M. Loukachenko ayant refusé …, qualifié … ou affirmé que"
    if how != "incise" and not _is_participle(d, v):
        named = _name_before(d, v)
        if named is not None:
            return named
        subjects = [_real_subject(d, k) for k in d.children.get(v, []) if d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k)
                    and d.lemma[k] not in TIME_NOUNS]
        subjects = [k for k in subjects if k is not None]
        before = [k for k in subjects if k < v]
        if before:
            return _np_range(d, before[0])
        # a subject after the verb of "X a averti leurs camarades : …" is the parser's mistake
        # when a noun phrase ends just before the verb group: take that one
        earlier = _np_before(d, v)
        if earlier is not None:
            return earlier
        if subjects:
            return _np_range(d, subjects[0])
    s_lo, s_hi = _sentence_range(d, v)
    if how == "incise" and s_hi == v and v + 1 < d.n:
        s_hi = _sentence_range(d, v + 1)[1]  # the parser cut the sentence right after the incise verb
    # inverted subject after an incise verb ("a déclaré un responsable", "a-t-il ajouté")
    j = _skip_time_words(d, v + 1, s_hi)
    if how == "incise":
        j = _skip_time_words(d, _skip_addressee(d, _skip_insertion(d, j), s_hi), s_hi)
    if how == "incise":
        # up to the next punctuation, across a sentence break the parser may have put after the verb
        limit = min(d.n, v + 12)
        stop = next((k for k in range(v + 1, limit) if d.t["text"][k] in (",", ".", ";", ":")), limit)
        for m in d.mention_covering(d.t["start_char"][v], d.end_char(stop - 1) if stop - 1 > v else d.end_char(v)):
            if m.get("type") == "PER" and m.get("kind") == "name" and m["start_char"] > d.t["start_char"][v]:
                lo = d.token_at(m["start_char"])  # "a dit sur Twitter Vladimir Oustimenko"
                if not any(d.t["pos"][k] == "DET" for k in range(v + 1, lo)):  # not "le conseiller de Poutine"
                    return lo, d.token_at(m["end_char"] - 1)
        for k in list(range(v + 1, min(s_hi, v + 4) + 1)) + list(range(max(0, v - 2), v)):
            word = d.norm[k].lstrip("-").removeprefix("t-")
            if word in PRONOUN_GENDER and (k > v or d.t["pos"][k] == "PRON" or d.norm[k].startswith("-")):
                return k, k  # "a-t-il déclaré", "a t-il lancé"
        preverbal = [k for k in d.children.get(v, []) if d.t["dep"][k] in SUBJECT_DEPS and k < v and not _inside_quote(d, k)
                     and d.t["pos"][k] in ("NOUN", "PROPN") and d.lemma[k] not in TIME_NOUNS]
        if preverbal and _np_range(d, preverbal[0])[0] == s_lo:
            # "L'ancien marine …, brandissant une feuille où était écrit « … », a clamé une fois de plus"
            return _np_range(d, preverbal[0])
        if j <= s_hi and (d.t["pos"][j] in ("DET", "PROPN", "NOUN", "PRON") or d.t["text"][j][:1].isupper()):
            return _np_range(d, j)
        if v in getattr(d, "after_quote", ()) and (named := _name_in_incise(d, v)):
            return named  # "a balayé d'un revers de la main le ministre Chad Wolf"
    # a participle ("ajoutant que", "déclarant que"): the subject of the verb it depends on
    if _is_participle(d, v):
        return None  # extract_quotes gives it the speaker of the sentence's previous cue
    # a name just before the verb group, which the parser attached elsewhere ("…, Ouchakov a répondu :")
    earlier = _np_before(d, v)
    if earlier is not None:
        return earlier
    if d.t["dep"][v] == "conj":
        return None  # "…, mais a déclaré que …": the speaker of the sentence's previous cue
    if d.t["dep"][v] in ("advcl", "advmod", "acl"):
        head = d.t["head"][v]
        if head != v:
            return _subject_phrase(d, head, "que")
    if d.t["dep"][v] == "xcomp" and d.t["dep"][d.t["head"][v]] == "acl" and d.t["pos"][d.t["head"][d.t["head"][v]]] in ("NOUN", "PROPN"):
        return _np_range(d, d.t["head"][d.t["head"][v]])  # "le président X, accusé par ses détracteurs de …, avait reconnu"
    if how != "incise" and not any(d.t["dep"][k] in SUBJECT_DEPS for k in d.children.get(v, [])):
        return _subject_before_cut(d, v)
    return None


def _subject_before_cut(d: _Doc, v: int) -> tuple[int, int] | None:
    """"Mohsen Alviri, universitaire …, premier foyer de l'épidémie dans le pays, a souligné …": the
    parser cut the sentence inside the long apposition (no full stop there); the subject is the
    first name of the piece before the cut."""
    s_lo = _sentence_range(d, v)[0]
    if s_lo == 0 or d.t["text"][s_lo - 1] in (".", "!", "?", ":", ";", "…") or d.para_of(d.t["start_char"][s_lo - 1]) != d.para_of(d.t["start_char"][v]):
        return None
    p_lo = _sentence_range(d, s_lo - 1)[0]
    for k in range(p_lo, s_lo):
        if d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k):
            return _named_at(d, k, ("PER", "ORG"))
    return None


def _named_at(d: _Doc, k: int, kinds: tuple[str, ...] = ("PER",), misc_names: bool = False) -> tuple[int, int] | None:
    """Token range of the entity named at token k (of these types; a first name tagged MISC too
    when `misc_names`), or None."""
    for m in d.mention_covering(d.t["start_char"][k], d.end_char(k)):
        if m.get("kind") == "name" and isinstance(m.get("canonical"), str) and (
                m.get("type") in kinds or misc_names and m.get("type") == "MISC" and _looks_like_a_name(m["text"])):
            return d.token_at(m["start_char"]), d.token_at(m["end_char"] - 1)
    return None


RELAYING_VERBS = {"rapporter", "citer", "relayer", "reprendre", "transmettre"}  # "cité par l'agence": not the author


def _passive_agent(d: _Doc, v: int) -> tuple[int, int] | None:
    """"Des propos jugés « déments » par la télévision chinoise CCTV": a past participle without
    "avoir" speaks with the agent its "par" introduces, later in the clause (outside the quote)."""
    if "VerbForm=Part" not in d.t["morph"][v] or d.norm[v].endswith("ant") or d.lemma[v] in RELAYING_VERBS:
        return None
    if any(d.lemma[k] == "avoir" or d.t["dep"][k] == "nsubj" or d.norm[k] in ("se", "s'") for k in d.children.get(v, [])) \
            or _after_auxiliary(d, v) or any(d.norm[k] in ("se", "s'") for k in range(max(0, v - 3), v)):
        return None  # "a jugé", "il s'est dit « surpris » par la démarche": not a passive
    s_hi = min(d.n - 2, v + 15)  # (not the parser's sentence: it often ends one inside the quote)
    for j in range(v + 1, s_hi + 1):
        if _inside_quote(d, j) or d.t["text"][j] in STRAIGHT + OPENERS + CLOSERS:
            continue
        if d.t["text"][j] in (";", ".", ":") or d.t["pos"][j] == "VERB" or d.para_of(d.t["start_char"][j]) != d.para_of(d.t["start_char"][v]):
            return None
        if d.norm[j] == "par" and d.t["pos"][j + 1] in ("DET", "PROPN", "NOUN"):
            return _np_range(d, j + 1)
    return None


def _real_subject(d: _Doc, k: int) -> int | None:
    """The parser's subject k, unless a preposition governs it ("En Grèce, le ministre de la Santé a
    déclaré": "Grèce" is no subject; the phrase in apposition to it is)."""
    kids = d.children.get(k, [])
    if not any(d.t["dep"][c] == "case" and d.t["pos"][c] == "ADP" and c < k for c in kids):
        return k
    return next((c for c in kids if d.t["dep"][c] == "appos" and c > k), None)


def _absolute_subject(d: _Doc, v: int) -> tuple[int, int] | None:
    """"…, M. Loukachenko ayant refusé tout confinement, qualifié … ou affirmé que …": the name
    before "ayant"/"étant" of v's clause (or of the verb v is coordinated with) is its subject."""
    if v > 0 and "VerbForm=Part" in (d.t["morph"][v] or "") and "Tense=Pres" in (d.t["morph"][v] or ""):
        # "…, le chef de la diplomatie américaine Mike Pompeo dénonçant « … »": the name right before it
        names = [m for m in d.mention_covering(d.t["start_char"][v - 1], d.end_char(v - 1))
                 if m.get("kind") == "name" and m.get("type") == "PER" and m["end_char"] == d.end_char(v - 1)]
        if names:
            first = d.token_at(names[0]["start_char"])
            lo = first
            while lo > 0 and d.t["pos"][lo - 1] in ("DET", "NOUN", "ADJ", "ADP", "PROPN") and first - lo < 8:
                lo -= 1
            if lo > 0 and d.t["text"][lo - 1] == ",":
                return first, v - 1
    u = v
    for _ in range(3):
        aux = next((k for k in range(u - 1, max(-1, u - 3), -1) if d.norm[k] in ("ayant", "etant")), None)
        if aux is not None and aux > 0:
            names = [m for m in d.mention_covering(d.t["start_char"][aux - 1], d.end_char(aux - 1))
                     if m.get("kind") == "name" and m.get("type") == "PER" and m["end_char"] <= d.t["start_char"][aux]]
            if names:
                return d.token_at(names[0]["start_char"]), aux - 1
        if d.t["dep"][u] not in ("conj", "advcl") or d.t["head"][u] == u:
            return None
        u = d.t["head"][u]
    return None


def _name_before(d: _Doc, v: int) -> tuple[int, int] | None:
    """A person's name right before the verb group, or before an apposition between commas:
    "Geoffroy Didier, député européen et vice-président de la région, estime que …"."""
    k = v
    while k > 0 and d.t["pos"][k - 1] in ("AUX", "PRON", "ADV") and d.norm[k - 1] not in PRONOUN_GENDER and d.norm[k - 1] != "qui":
        k -= 1
    k -= 1
    if k > 0 and d.t["text"][k] == ",":
        opening = next((j for j in range(k - 1, max(-1, k - 20), -1) if d.t["text"][j] in (",", ".", ":", ";")), None)
        if opening is None or d.t["text"][opening] != "," or any(d.t["pos"][j] == "VERB" for j in range(opening, k)):
            return None
        k = opening - 1
    if k < 0:
        return None
    for m in d.mention_covering(d.t["start_char"][k], d.end_char(k)):
        if (m.get("type") == "PER" or m.get("type") == "MISC" and _looks_like_a_name(m["text"])) \
                and m.get("kind") == "name" and m["end_char"] == d.end_char(k):
            return d.token_at(m["start_char"]), k
    return None


def _np_before(d: _Doc, v: int) -> tuple[int, int] | None:
    """The noun phrase that ends right before the verb group of v, over an insertion between
    commas and quote marks around a word: "Mais des « gilets jaunes », plus raisonnables, ont averti"."""
    k = v
    while k > 0 and d.t["pos"][k - 1] in ("AUX", "PRON") and d.norm[k - 1] not in PRONOUN_GENDER:
        k -= 1  # "lui ont réclamé", "se sont dit"
    k -= 1
    s_lo = _sentence_range(d, v)[0]
    if k > s_lo and d.t["text"][k] == ",":  # ", plus raisonnables," : skip the insertion
        opening = next((j for j in range(k - 1, max(s_lo, k - 8) - 1, -1) if d.t["text"][j] == ","), None)
        if opening is None:
            return None
        k = opening - 1
    while k > s_lo and d.t["text"][k] in CLOSERS + OPENERS + STRAIGHT:
        k -= 1
    if k < 0 or d.t["pos"][k] not in ("PROPN", "NOUN", "PRON", "ADJ"):
        return None
    if d.t["pos"][k] == "PRON" and d.norm[k] not in INDEFINITE_PRONOUNS:
        return None
    lo = k
    while lo > s_lo and (d.t["pos"][lo - 1] in ("DET", "ADJ", "NOUN", "PROPN", "ADP", "PRON")
                         or d.t["text"][lo - 1] in CLOSERS + OPENERS + STRAIGHT) and d.t["text"][lo - 1] not in (",", ":"):
        if d.t["pos"][lo - 1] == "PRON" and d.norm[lo - 1] not in ("d'", "l'un", "l'une"):
            break
        lo -= 1
    while lo < k and (d.t["pos"][lo] == "ADP" and d.norm[lo] not in ("d'", "des") or d.t["text"][lo] in CLOSERS + OPENERS + STRAIGHT):
        lo += 1
    if d.t["pos"][k] == "ADJ" and lo == k:
        return None
    return lo, k


def _is_participle(d: _Doc, v: int) -> bool:
    return d.norm[v].endswith("ant") and "VerbForm=Part" in d.t["morph"][v] or (
        d.norm[v].endswith("ant") and d.t["dep"][v] in ("advcl", "advmod", "acl", "conj"))


def _np_start(d: _Doc, k: int) -> int:
    """First token of the noun phrase that ends at k ("le porte-parole du Kremlin")."""
    lo = k
    while lo > 0 and d.t["pos"][lo - 1] in ("DET", "ADJ", "NOUN", "PROPN", "ADP") and d.t["text"][lo - 1] not in (",", ":"):
        lo -= 1
    while lo < k and d.t["pos"][lo] == "ADP":
        lo += 1
    return lo


def _fronted_participle_subject(d: _Doc, v: int) -> tuple[int, int] | None:
    """"Jugeant que …, le président Donald Trump a ordonné …": a participle that opens its sentence
    speaks with the subject of the verb it depends on, which comes after it."""
    if not _is_participle(d, v) or v - _sentence_range(d, v)[0] > 1:
        return None
    head = d.t["head"][v]
    subjects = [k for k in d.children.get(head, []) if d.t["dep"][k] in SUBJECT_DEPS and k > v and not _inside_quote(d, k)]
    return _np_range(d, subjects[0]) if head > v and subjects else None


def _nearest_subject_before(d: _Doc, v: int) -> tuple[int, int] | None:
    """The closest subject before a participle whose sentence has no other cue ("… à M. Poutine,
    déclarant que …": the parser may have cut the sentence at "M.")."""
    for k in range(v - 1, max(-1, v - 60), -1):
        if d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k):
            return _np_range(d, k)
    return None


def _after_preposition(d: _Doc, k: int) -> bool:
    """Is the name at k inside a prepositional phrase ("en réponse à l'élu UDI Philippe Vigier")?"""
    j = k - 1
    while j >= 0 and d.t["pos"][j] in ("DET", "NOUN", "ADJ", "PROPN") and k - j < 6:
        j -= 1
    return j >= 0 and d.t["pos"][j] == "ADP"


# Words after which a name is a complement, whatever the parser made of it
PREPOSITION_WORDS = {"a", "au", "aux", "de", "du", "des", "d'", "par", "pour", "avec", "contre", "envers", "sur", "chez",
                     "selon", "vers", "sans", "entre", "apres", "avant", "malgre", "aupres", "dont", "que", "qu'"}


def _named_as_subject(d: _Doc, first: int, last: int) -> bool:
    """Is the name at tokens first..last the subject of its clause? The parse says so, or, where the
    small model errs, the name opens a clause and a verb follows it ("Dans un entretien …, Philippe
    Poutou appelle à …", parsed as an apposition); never right after a preposition ("envers Emmanuel
    Macron", parsed as the subject of a misread "envers")."""
    if first > 0 and d.norm[first - 1] in PREPOSITION_WORDS:
        return False
    if any(d.t["dep"][j] in SUBJECT_DEPS and not _inside_quote(d, d.t["head"][j]) for j in range(first, last + 1)):
        return True
    opens = first == 0 or d.t["text"][first - 1] in (",", ".", ";", ":", "\n") or d.t["sent_id"][first - 1] != d.t["sent_id"][first]
    return opens and last + 1 < d.n and d.t["pos"][last + 1] in ("VERB", "AUX") and not _inside_quote(d, first)


def _full_stops_between(d: _Doc, a: int, b: int) -> int:
    """How many sentences apart tokens a and b are, by the full stops and paragraph breaks between
    them (the small model also cuts sentences at hyphens and names: "Europe Ecologie-Les Verts")."""
    return sum(d.t["text"][j] in (".", "!", "?", "…") or "\n" in d.t["text"][j] for j in range(a, b))


def _author_of_subject(d: _Doc, k: int) -> bool:
    """Is the name at k the author of the words its sentence is about ("Le témoignage de Sandrine
    Rousseau portait sur …", "Les propos de X ont choqué"): the person a following "elle" is."""
    if k < 2 or d.norm[k - 1] not in ("de", "d'", "du"):
        return False
    noun = k - 2 if d.t["pos"][k - 2] == "NOUN" else k - 3
    return noun >= 0 and d.lemma[noun] in DOCUMENT_NOUNS | TESTIMONY_NOUNS and d.t["dep"][noun] in SUBJECT_DEPS


def _introduces_someone_new(d: _Doc, head: int, hi: int) -> bool:
    """A person noun with an indefinite complement ("le juge d'un tribunal de Moscou", "la mère
    d'une victime") is someone the article has not met: no earlier person is meant."""
    return any(d.norm[j] in ("d'", "de") and d.norm[j + 1] in ("un", "une", "plusieurs", "certains", "certaines")
               for j in range(head + 1, hi))


def _np_range(d: _Doc, k: int) -> tuple[int, int]:
    """A noun phrase around head k: its determiner, adjectives and de-complements, no clause."""
    lo, hi = k, k
    while lo > 0 and d.t["head"][lo - 1] == k and d.t["dep"][lo - 1] in ("det", "amod", "nummod"):
        lo -= 1
    j = k + 1
    s_hi = _sentence_range(d, k)[1]
    while True:
        if j <= s_hi and d.t["text"][j] == "(":  # "le président (LR) du Sénat Gérard Larcher"
            close = next((c for c in range(j + 1, min(s_hi + 1, j + 5)) if d.t["text"][c] == ")"), None)
            if close is None or close + 1 > s_hi:
                break
            j = close + 1
            continue
        glued = (j < d.n and d.t["pos"][j - 1] == "PROPN" and d.t["text"][j].istitle() and d.t["text"][j].isalpha()
                 and d.t["start_char"][j] == d.end_char(j - 1) + 1)  # "Emmanuel Macron" with "Macron" read as an adverb
        if glued:
            hi = j
            j += 1
            continue
        if not ((j <= s_hi or j < d.n and d.t["pos"][j] == d.t["pos"][j - 1] == "PROPN") and (
            d.t["pos"][j] in ("ADJ", "PROPN", "NOUN", "DET") or d.t["dep"][j] in ("flat:name",)
            or (d.t["pos"][j] == "ADP" and d.norm[j] in ("de", "du", "des", "d'")))):  # a name the parser cut in two
            break
        if d.t["pos"][j] == "VERB":
            break
        hi = j
        j += 1
    while hi > k and d.t["pos"][hi] in ("ADP", "DET"):
        hi -= 1
    return lo, hi


# --------------------------------------------------------------------------- speakers

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
            if d.norm[lo] in INDEFINITE_DETERMINERS or any(d.norm[j] in ("de", "du", "des", "d'") for j in range(lo, hi)):
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
        return {d.lemma[j] for j in range(lo, hi + 1) if d.t["pos"][j] in ("NOUN", "ADJ", "PROPN") and d.lemma[j] != noun}

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
        coordinated = any(d.t["dep"][c] == "conj" and c > hi and d.t["pos"][c] in ("NOUN", "PROPN")
                          and (d.t["pos"][c] == "PROPN" or d.t["pos"][c - 1] == "DET")
                          and "et" in d.norm[hi + 1:c] and not any(d.t["pos"][j] == "VERB" for j in range(hi + 1, c))
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
        sent = d.t["sent_id"][d.token_at(at)]
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
        """Is the person named at token k the last thing in its sentence (an apposition, not a subject)?"""
        d = self.d
        named = _named_at(d, k)
        if named is None:
            return False
        last = named[1]
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


def _described_gender(text: str | None) -> str | None:
    """"la mère de Simon Gautier" is a woman, "un assesseur" a man: the determiner of an unnamed source."""
    first = normalise(text or "").split()[:1]
    if first and first[0] in ("la", "une", "cette", "elle"):
        return "f"
    if first and first[0] in ("le", "un", "ce", "cet", "il"):
        return "m"
    return None


def _who(entry: dict) -> dict:
    """A remembered speaker without the position it was remembered at."""
    return {k: v for k, v in entry.items() if k != "at"}


def _looks_like_a_name(text: str) -> bool:
    """The small model tags many first names MISC ("Nadia"); dates and titles are not names."""
    words = text.split()
    return 0 < len(words) <= 3 and all(w[:1].isupper() and not any(c.isdigit() for c in w) for w in words) and \
        not any(normalise(w) in WEEKDAYS for w in words) and normalise(words[0]) not in ("le", "la", "les", "l'")
    # (not "Les Républicains", "La République en marche": a party, a title)


def _det_gender(d: _Doc, j: int) -> str | None:
    morph = d.t["morph"][j] or ""
    if d.norm[j] in ("le", "un", "du", "au", "ce", "cet") or "Gender=Masc" in morph:
        return "m"
    if d.norm[j] in ("la", "une", "cette") or "Gender=Fem" in morph:
        return "f"
    return None


def _name_of(d: _Doc, lo: int, hi: int) -> str | None:
    """A proper name of two words or more ("Erika Ramírez"), however the model tagged it."""
    titled = (d.t["pos"][lo] == "DET" and d.t["text"][lo][:1].isupper() and lo > 0
              and d.t["text"][lo - 1] not in (".", "!", "?", "\n") and d.t["sent_id"][lo - 1] == d.t["sent_id"][lo])
    words = [j for j in range(lo, hi + 1) if (titled or d.t["pos"][j] != "DET") and d.norm[j] not in HONORIFICS]
    if len(words) < 2 or not all(d.t["text"][j][:1].isupper() and (d.t["pos"][j] in ("PROPN", "NOUN", "ADJ", "X") or j > words[0]
                                                                  and d.t["pos"][j - 1] == "PROPN" and d.t["text"][j].isalpha())
                                 for j in words):  # ("Emmanuel Macron" with "Macron" read as an adverb)
        return None
    return d.text[d.t["start_char"][words[0]]:d.end_char(words[-1])]


def _head_noun(d: _Doc, lo: int, hi: int) -> str | None:
    """The first source noun of the phrase before its first complement, else its first noun
    ("responsable" is often tagged ADJ; "les chiffres de la brigade des sapeurs-pompiers" is headed by "chiffre")."""
    for j in range(lo, hi + 1):
        if d.lemma[j] in d.source_nouns or d.norm[j] in d.source_nouns:
            return d.lemma[j] if d.lemma[j] in d.source_nouns else d.norm[j]
        if j > lo and d.t["pos"][j] == "ADP" and d.t["pos"][j - 1] == "NOUN":
            break
    for j in range(lo, hi + 1):
        if d.t["pos"][j] in ("NOUN", "PROPN"):
            return d.lemma[j]
    return None


def _cue_side(d: _Doc, lo: int, hi: int) -> str | None:
    """Side revealed by the description: a side cue ("américain", "du Kremlin") or an entity with a side."""
    words = " ".join(d.lemma[lo:hi + 1])
    sides = {side for side, cues in d.side_cues.items() for cue in cues if re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", words)}
    for m in d.mention_covering(d.t["start_char"][lo], d.end_char(hi)):
        if m.get("side") not in (None, "UNKNOWN"):
            sides.add(m["side"])
    return sides.pop() if len(sides) == 1 else None


# --------------------------------------------------------------------------- assembling

def _strip_marks(text: str) -> str:
    cleaned = "".join(ch for ch in text if ch not in OPENERS + CLOSERS + STRAIGHT)
    return re.sub(r"\s+", " ", cleaned).strip().rstrip(".,;").strip()


def _selon_cues(d: _Doc, institution_nouns: set[str] = frozenset()) -> list[tuple[int, str, int, int, tuple[int, int]]]:
    """"selon X, …" / "…, selon X" / "d'après X" / "de l'avis de X" / "Pour X, …" at the start of a
    sentence (when X is someone: "Pour les organisateurs, …", not "Pour l'instant, …"):
    (token, how, start, end, speaker range). "X" inserted mid-sentence attributes the whole sentence."""
    out = []
    for i in range(d.n):
        s_lo, s_hi = _sentence_range(d, i)
        lead = s_lo + (1 if d.norm[s_lo] in ("mais", "et", "or") else 0)
        avis = d.norm[i] == "avis" and i >= 2 and d.norm[i - 2] in ("de", "d'") and d.norm[i + 1:i + 2] in (["de"], ["du"], ["des"], ["d'"])
        after_colon = i > s_lo and d.t["text"][i - 1] == ":"  # "Les spécialistes sont partagés : pour Odile Launay, « … »"
        pour = d.norm[i] == "pour" and (i == lead or after_colon) and _designates_someone(d, i + 1, institution_nouns)
        # 'un « grand moment de joie » pour le député Gilbert Collard': a person's view, right after the quote
        pour_quoted = d.norm[i] == "pour" and i > 0 and d.t["text"][i - 1] in STRAIGHT + CLOSERS and i + 1 < d.n and any(
            m.get("type") == "PER" and m.get("kind") == "name" for m in d.mention_covering(d.t["start_char"][i + 1], d.end_char(_np_range(d, i + 1)[1])))
        if not (d.norm[i] == "selon" or (d.norm[i] == "apres" and i and d.norm[i - 1] in ("d'", "d")) or avis or pour or pour_quoted):
            continue
        np_start = i + (2 if avis and d.norm[i + 1] == "de" else 1)
        np = _np_range(d, np_start) if np_start <= s_hi else None
        if np is None:
            continue
        first = i - 1 if d.norm[i] == "apres" else (i - 2 if avis else i)
        comma = next((j for j in range(np[1] + 1, s_hi + 1) if d.t["text"][j] == ","), None)
        before = d.text[:d.t["start_char"][first]].rstrip()
        quoted = next((q for q in getattr(d, "spans", []) if q.closed and q.end == len(before)), None)
        if quoted is not None and not pour:  # 'la rentrée la plus « étrange de l'histoire » selon les mots de X'
            out.append((i, "selon", quoted.start, quoted.end, np))
        elif pour_quoted:
            continue
        elif first <= lead + 1 or after_colon:  # at the start: content after the comma that closes the source
            if comma is None or comma >= s_hi:
                continue
            out.append((i, "selon", d.t["start_char"][comma + 1], d.end_char(_trim_end(d, s_hi)), np))
        elif pour:
            continue
        elif d.t["text"][first - 1] == ",":
            end = first - 2
            if comma is not None and comma == np[1] + 1 and comma + 1 < s_hi:
                end = s_hi  # "Les produits représentent, selon la Commission, plus de 70 % …": the sentence
            if end >= s_lo:
                out.append((i, "selon", d.t["start_char"][s_lo], d.end_char(_trim_end(d, end)), np))
    return out


def _designates_someone(d: _Doc, k: int, institution_nouns: set[str]) -> bool:
    """Does the phrase at k name a speaker: an entity, a stressed pronoun, or people or a body?"""
    if k >= d.n:
        return False
    if d.norm[k] in ("lui", "elle", "eux", "elles", "moi"):
        return True
    lo, hi = _np_range(d, k)
    if any(m.get("type") in ("PER", "ORG") for m in d.mention_covering(d.t["start_char"][lo], d.end_char(hi))):
        return True
    head = _head_noun(d, lo, hi)
    return head is not None and (head in d.source_nouns or head in institution_nouns)


def _clause_subject(d: _Doc, q: QuoteSpan, pronoun_ok: bool = False) -> tuple[int, int] | None:
    """The subject of the clause a cue-less quote completes, when it designates someone: a name
    or an institution, an unnamed person or group ("un interne de l'hôpital"), a relative "qui".

    Only a subject before the quote, outside it, and in the same sentence counts; a definite
    common noun that is not an entity ("le vent", "les insultes") does not, nor a pronoun
    (the quote then continues the previous speaker): the search goes on further back.
    """
    first = d.token_at(q.start)
    s_lo, _ = _sentence_range(d, first)
    for k in range(first - 1, s_lo - 1, -1):
        if d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k):
            if d.norm[k] == "qui" and _inside_quote(d, d.t["head"][k]):
                continue  # "X voit des analogies avec Trump, un entrepreneur qui « a décidé … »": Trump is the topic
            if d.norm[k] in ("il", "elle") and pronoun_ok:
                return k, k  # "X a accordé un entretien où il donne l'alerte contre le « … »"
            lo, hi = _relative_antecedent(d, _np_range(d, k))
            hits = [m for m in d.mention_covering(d.t["start_char"][lo], d.end_char(hi))
                    if isinstance(m.get("canonical"), str) and m.get("kind") == "name"]
            indefinite = d.norm[lo] in ("un", "une", "des") and _head_noun(d, lo, hi) in d.source_nouns
            if hits or indefinite:
                return lo, hi
            if (hi + 2 < d.n and d.t["text"][hi + 1] == "," and d.t["pos"][lo] == "DET"
                    and (named := _named_at(d, hi + 2, ("PER", "ORG"))) is not None):  # (the model may tag the name ORG)
                return named  # "Le ministre des Technologies, Fawad Chaudhry, a tenté … le fait que « … »"
            # a subject that designates no one ("un second mandat", a misparse) may hide the
            # real one further back: "Le président X qui brigue un second mandat a accusé … « … »"
    return None


def _speech_verb_before(d: _Doc, q: QuoteSpan) -> tuple[str, tuple[int, int]] | None:
    """"Mohsen Alviri … a souligné l'importance des prières, qui « sont l'occasion … »": words quoted
    in the complement of a reporting verb earlier in the same sentence (up to the last full stop
    outside quotes, whatever the parser cut) are that verb's subject's, when it designates someone."""
    first = d.token_at(q.start)
    for v, lemma in reversed(getattr(d, "cue_verbs", [])):
        if v >= first:
            continue
        between = range(v + 1, first)
        if d.para_of(d.t["start_char"][v]) != d.para_of(q.start) or any(
                d.t["text"][k] in (".", ";", "!", "?") and not _inside_quote(d, k) for k in between):
            return None
        if any(a <= d.t["start_char"][v] < b for a, b in d.quote_ranges) or _is_participle(d, v):
            continue
        subject = _subject_of(d, v, "que")
        if subject is not None and _designates_someone(d, subject[0], set()) and d.norm[subject[0]] != "qui":
            return lemma, subject
        return None
    return None


def _narrated_subject(d: _Doc, q: QuoteSpan, prev: dict | None) -> tuple[int, int] | None:
    """A quote that opens a sentence right after the journalist's sentence about a named person
    ("Jean-Luc Mélenchon faisait un pas de plus vers le PS. « Je suis venu … »"): that person, the
    subject of the previous sentence of the same paragraph, unless a quote came in between."""
    first = d.token_at(q.start)
    s_lo, _ = _sentence_range(d, first)
    if any(d.t["pos"][k] not in ("PUNCT",) for k in range(s_lo, first)) or s_lo == 0:
        return None
    p_lo, p_hi = _sentence_range(d, s_lo - 1)
    if d.para_of(d.t["start_char"][p_lo]) != d.para_of(q.start) or (prev and prev["end_char"] > d.t["start_char"][p_lo]):
        return None
    for k in range(p_lo, p_hi + 1):
        if d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k) and d.t["head"][k] == d.t["head"][d.t["head"][k]]:
            if (named := _named_at(d, k)) is not None:
                return named
            if d.norm[k] in ("il", "elle"):
                return k, k  # "Miguel, 27 ans, est Colombien. Sans papiers, il travaille … « Le virus a tout bouleversé »"
    return None


def _announced_subject(d: _Doc, q: QuoteSpan) -> tuple[int, int] | None:
    """A quote that opens its paragraph as a sentence of its own, like a headline ("« Faire de la
    musique ne devrait pas être un délit ». Dans une tribune, Léa Arguillère Toussaint s'insurge …"):
    the person named as the subject of the next sentence of the paragraph."""
    if d.text[d.para_starts[max(0, d.para_of(q.start) - 1)]:q.start].strip() or not q.closed:
        return None
    after = re.match(r"[\s.!?…]*", d.text[q.end:q.end + 4])
    k = d.token_at(q.end + after.end()) if after and q.end + after.end() < len(d.text) else None
    if k is None or d.t["text"][k] in (",", ":") or d.para_of(d.t["start_char"][k]) != d.para_of(q.start):
        return None  # an incise or a colon is not a new sentence
    s_hi = _sentence_range(d, k)[1]
    for j in range(k, s_hi + 1):
        if d.t["dep"][j] in SUBJECT_DEPS and not _inside_quote(d, j):
            return _named_at(d, j, misc_names=True)
    return None


def _extend_over_quotes(d: _Doc, cues: list[dict], spans: list[QuoteSpan]) -> list[dict]:
    """A que-clause that runs into a quote takes the whole quote ("… que « … »": one mixed quote)."""
    for c in cues:
        if c["how"] != "que":
            continue
        s_end = d.end_char(_sentence_range(d, c["token"])[1])
        for q in spans:
            # the quote starts inside the clause or right after it, and ends after it, in the sentence
            if c["start"] <= q.start <= c["end"] + 3 and c["end"] < q.end <= s_end + 1:
                c["end"] = q.end
    return cues


def _clip_coordinated(d: _Doc, cues: list[dict]) -> list[dict]:
    """"X a déclaré que A, mais a déclaré que B": two quotes; the first ends before "mais a déclaré"."""
    for c in cues:
        for other in cues:
            if other is c or not (c["start"] < other["cue_char"] < c["end"]):
                continue
            k = other["token"]
            while k > 0 and d.t["pos"][k - 1] == "AUX":
                k -= 1
            if k > 0 and d.norm[k - 1] in ("mais", "et", ","):
                end = k - 2
                while end > 0 and d.t["pos"][end] == "PUNCT" and d.t["text"][end] not in CLOSERS + OPENERS + STRAIGHT:
                    end -= 1
                c["end"] = min(c["end"], d.end_char(end))
    return cues


def _drop_nested(cues: list[dict]) -> list[dict]:
    """Nested reported speech is one quote: the outer source speaks ("Selon X, Biden a dit que …").

    A cue whose own verb lies inside the content of another cue is dropped.
    """
    kept: list[dict] = []
    for c in sorted(cues, key=lambda c: c["start"] - c["end"]):  # widest first
        if not any(k["start"] <= c["cue_char"] < k["end"] for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c["start"])


def extract_quotes(d: _Doc, verbs: dict[str, str], gender: dict[str, str], paragraphs: list[tuple[int, int]],
                   institution_nouns: set[str] = frozenset(), governments: dict | None = None,
                   name_gender=lambda name: None, nations: Nations | None = None) -> list[dict]:
    """All quotes of one article, in reading order (see the module docstring for the rules).

    Speakers are resolved in reading order, so that a pronoun or a floating quote looks back at
    what the reader has just read.
    """
    speakers = _Speakers(d, gender, institution_nouns, governments, name_gender, nations)
    d.para_starts = [a for a, _ in paragraphs]
    spans = _split_inner_incises(d, find_quote_spans(d.text, paragraphs), verbs)
    d.spans = spans
    d.quote_ranges = [(q.start, q.end) for q in spans]
    cues = []
    d.cue_verbs = _cue_verbs(d, verbs)
    for v, lemma in d.cue_verbs:
        content = _content_of_verb(d, v)
        if content:
            how, start, end = content
            cues.append({"token": v, "cue_char": d.t["start_char"][v], "how": how, "start": start, "end": end,
                         "cue": verbs.get(normalise(lemma), lemma) if isinstance(verbs, dict) else lemma,
                         "subject": _subject_of(d, v, how), "participle": _is_participle(d, v)})
    verb_sentences = {d.t["sent_id"][c["token"]] for c in cues if not c["participle"]}
    for tok, how, start, end, np in _selon_cues(d, institution_nouns):
        leading = start > d.t["start_char"][tok]
        if leading or d.t["sent_id"][tok] not in verb_sentences:  # a trailing "selon Reuters" after "X a dit" is secondary
            cues.append({"token": tok, "cue_char": d.t["start_char"][tok], "how": how, "start": start, "end": end,
                         "cue": "selon", "subject": np, "participle": False})
    cues = _extend_over_quotes(d, cues, spans)
    cues = _clip_coordinated(d, cues)
    cues = _drop_nested(cues)

    used_spans: set[int] = set()
    for c in cues:
        c["inside"] = [k for k, q in enumerate(spans) if q.start >= c["start"] - 2 and q.end <= c["end"] + 2]
        used_spans.update(c["inside"])
    items = [(c["start"], "cue", c) for c in cues] + [(q.start, "marks", q) for k, q in enumerate(spans)
                                                       if k not in used_spans]
    quotes: list[dict] = []
    last_in_sentence: dict[int, dict] = {}
    for _, what, item in sorted(items, key=lambda x: x[0]):
        if what == "cue":
            quote = _quote_of_cue(d, item, spans, speakers, last_in_sentence)
        else:
            quote = _quote_without_cue(d, item, speakers, quotes[-1] if quotes else None)
        if quote is not None:
            quotes.append(quote)
    _credit_quoted_headings(d, quotes)
    return quotes


def _credit_quoted_headings(d: _Doc, quotes: list[dict]) -> None:
    """A quoted subheading ("« Mes amis, vous me manquez »") repeats words the article quotes
    just after: it is the speaker of that later quote, not of the quote before the heading."""
    for k, quote in enumerate(quotes):
        if quote["cue"] is not None:
            continue
        para = d.para_of(quote["start_char"])
        lo = d.para_starts[para - 1] if para > 0 else 0
        if WORD_RE.search(_strip_marks(d.text[lo:quote["start_char"]])) or "\n" in d.text[quote["start_char"]:quote["end_char"]]:
            continue
        # the article's opening words in quote marks, nobody named for them: whoever says them further on
        opening = lo == 0 and not quote["speaker"] and count_words(quote["text"]) <= 15
        rest = d.text[quote["end_char"]:d.para_starts[para] if para < len(d.para_starts) else len(d.text)]
        if (WORD_RE.search(rest) or count_words(quote["text"]) > 15) and not opening:
            continue  # not a heading: words follow in its paragraph
        words = {normalise(w) for w in WORD_RE.findall(quote["text"])}
        for later in quotes[k + 1:]:
            if d.para_of(later["start_char"]) - para > 2 and not opening:
                break
            if later["speaker"] and len(words & {normalise(w) for w in WORD_RE.findall(later["text"])}) >= 0.6 * len(words):
                quote.update({key: later[key] for key in ("speaker_text", "speaker", "anonymous", "side")})
                break


def _quote_of_cue(d: _Doc, c: dict, spans: list[QuoteSpan], speakers: _Speakers, last_in_sentence: dict) -> dict | None:
    sent = d.t["sent_id"][c["token"]]
    if c["subject"] is None and sent in last_in_sentence:
        who = dict(last_in_sentence[sent])
    elif c["participle"] or c["subject"] is None:
        who = speakers.resolve(_absolute_subject(d, c["token"]) or _fronted_participle_subject(d, c["token"])
                               or _nearest_subject_before(d, c["token"]), c["cue"])
    else:
        who = speakers.resolve(c["subject"], c["cue"])
    speakers.remember(who, c["cue_char"])
    last_in_sentence[sent] = who
    raw, inside = d.text[c["start"]:c["end"]], c["inside"]
    if len(inside) == 1 and _strip_marks(raw) == _strip_marks(" ".join(d.text[a:b] for a, b in spans[inside[0]].inner)):
        q = spans[inside[0]]
        kind, text, start, end = "direct", _strip_marks(" ".join(d.text[a:b] for a, b in q.inner)), q.start, q.end
    else:
        kind, text, start, end = ("mixed" if inside else "indirect"), _strip_marks(raw), c["start"], c["end"]
    if count_words(text) == 0:
        return None
    return {"kind": kind, "text": text, "start_char": start, "end_char": end, "cue": c["cue"],
            **{k: who.get(k) for k in ("speaker_text", "speaker", "anonymous", "side")}}


def _quote_without_cue(d: _Doc, q: QuoteSpan, speakers: _Speakers, prev: dict | None) -> dict | None:
    """Quote marks no cue accounted for: a headline-style "« … » : X …", a clause ending in a colon
    ("Certains lui ont réclamé : « … »"), a fragment completing a named subject's clause, or a
    continuation of the previous quote. A short fragment with none of these is a scare quote."""
    text = _strip_marks(" ".join(d.text[a:b] for a, b in q.inner))
    first_in_paragraph = prev is None or d.para_of(prev["start_char"]) != d.para_of(q.start)
    cue = None
    subject = _name_after_colon(d, q)
    if subject is not None:
        cue = ":"
    else:
        cue, subject = _subject_before_colon(d, q)
    if subject is None and (cleft := _cleft_after(d, q)) is not None:
        cue, subject = cleft
    if subject is None:
        if count_words(text) < MIN_UNATTRIBUTED_WORDS:
            return None
        if (governing := _speech_verb_before(d, q)) is not None:
            cue, subject = governing
        else:
            subject = _clause_subject(d, q, first_in_paragraph)  # 'L'institut attend "des cumuls de 300 mm"': the clause's subject
    if subject is None:
        subject = _narrated_subject(d, q, prev)
    if subject is None and first_in_paragraph:
        subject = _announced_subject(d, q)
    if subject is not None:
        who = speakers.resolve(subject)
        speakers.remember(who, q.start)
    elif prev:
        who = {k: prev[k] for k in ("speaker_text", "speaker", "anonymous", "side")}
    else:
        who = {"speaker_text": None, "speaker": None, "anonymous": False, "side": "UNKNOWN"}
    if count_words(text) == 0:
        return None
    return {"kind": "direct", "text": text, "start_char": q.start, "end_char": q.end, "cue": cue, **who}


CLEFT_RE = re.compile(r"[\s.,]*(?:(?:c['’]est|voil[aà])\s+(?:ainsi|ce|en ces termes|par ces mots|avec ces mots)\s+qu['’]\s*"
                      r"|ainsi\s+(?=parl|s['’]exprim|s['’]est\s+exprim|a\s+parl))",  # "« … » Ainsi parlait Emmanuel Macron"
                      flags=re.I)


def _cleft_after(d: _Doc, q: QuoteSpan) -> tuple[str, tuple[int, int]] | None:
    """"« … ». C'est ainsi qu'a réagi le secrétaire national d'EELV David Cormand": the verb of the
    cleft sentence after the quote is its cue, and its inverted subject the speaker."""
    found = CLEFT_RE.match(d.text, q.end)
    if not found or found.end() >= len(d.text):
        return None
    k = d.token_at(found.end())
    for v in range(k, min(d.n, k + 4)):
        if d.t["pos"][v] not in ("AUX", "ADV", "PRON", "PUNCT") and d.lemma[v] not in ("avoir", "etre"):
            subject = _subject_phrase(d, v, "incise")  # (whatever the model tagged "réagi")
            return (d.t["lemma"][v], subject) if subject is not None and subject[0] > v else None
    return None


def _name_after_colon(d: _Doc, q: QuoteSpan) -> tuple[int, int] | None:
    """"« Le trampoline fonctionne » : Elon Musk, le fondateur de SpaceX, a répondu …": the name
    that opens the clause after the colon speaks."""
    after = re.match(r"[ \u00a0]*:[ \u00a0]*", d.text[q.end:q.end + 6])
    if not q.closed or not after:
        return None
    at = q.end + after.end()
    for m in d.mentions:
        if at <= m["start_char"] <= at + 4 and isinstance(m.get("canonical"), str) and m.get("type") in ("PER", "ORG"):
            return d.token_at(m["start_char"]), d.token_at(m["end_char"] - 1)
    return None


def _subject_before_colon(d: _Doc, q: QuoteSpan) -> tuple[str | None, tuple[int, int] | None]:
    """"D'autres ont été plus ironiques : « … »": the subject of the clause the colon ends; but
    "Deux options s'offrent selon Mme Le Pen : « … »": the source of a "selon" in that clause."""
    before = d.text[max(0, q.start - 4):q.start]
    if not re.search(r":[ \u00a0]*$", before):
        return None, None
    colon = d.token_at(d.text.rindex(":", 0, q.start))
    s_lo = _sentence_range(d, colon)[0]
    for k in range(s_lo, colon - 1):
        if d.norm[k] in ("selon", "d'apres") and not _inside_quote(d, k) and d.t["pos"][k + 1] != "PUNCT":
            return "selon", _np_range(d, k + 1)
    for k in range(colon - 1, s_lo - 1, -1):
        if d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k) and d.t["head"][k] < colon + 1:
            return ":", _relative_antecedent(d, _np_range(d, k))
    return None, None


def build_quotes(documents: pd.DataFrame, paragraphs: pd.DataFrame, sentences: pd.DataFrame,
                 tokens: pd.DataFrame, mentions: pd.DataFrame, corpus=None) -> pd.DataFrame:
    """The `quotes` table of a corpus (columns `QUOTE_COLUMNS`)."""
    lexicon = Lexicon.load(corpus)
    verbs = {normalise(verb): verb for verb in load_list("speech_verbs.txt", corpus)}
    # a reflexive entry ("s'exclamer") is found by its lemma, which spaCy gives without "se"
    verbs.update({key.removeprefix("s'").removeprefix("se "): verb for key, verb in list(verbs.items())
                  if key.startswith(("s'", "se "))})
    institution_nouns = {normalise(noun) for noun in load_list("institution_nouns.txt", corpus)}
    governments = load_governments(lexicon, corpus)
    nations = Nations.load(corpus)
    source_nouns = {normalise(noun) for noun in load_list("source_nouns.txt", corpus)}
    side_cues = {side: [_lemma_cue(c) for c in cues] for side, cues in lexicon.side_cues.items()}
    gender = {p: row.get("gender") for p, row in lexicon.persons.items() if row.get("gender")}
    groups = {name: dict(tuple(frame.groupby("doc_id", sort=False)))
              for name, frame in (("tokens", tokens), ("sentences", sentences), ("mentions", mentions),
                                  ("paragraphs", paragraphs))}
    rows = []
    for doc in documents.itertuples():
        toks = groups["tokens"].get(doc.doc_id)
        if toks is None or toks.empty:
            continue
        found = groups["mentions"].get(doc.doc_id, mentions.iloc[0:0])
        # "Odmaa, Mongole de 27 ans": a nationality the model tagged as a name is nobody's name
        demonym = found["text"].map(lambda t: key_of(t) in nations.by_adjective).astype(bool)
        found = found[~(found["label"].isin(["PER", "MISC"]) & demonym)]
        d = _Doc(doc.doc_id, doc.text, toks.reset_index(drop=True), groups["sentences"].get(doc.doc_id),
                 found, side_cues, source_nouns)
        d.title = doc.title if isinstance(doc.title, str) else None
        paras = groups["paragraphs"].get(doc.doc_id)
        bounds = list(zip(paras["start_char"], paras["end_char"]))
        for n, q in enumerate(extract_quotes(d, verbs, gender, bounds, institution_nouns, governments,
                                             lexicon.gender_of_name, nations)):
            q.update(doc_id=doc.doc_id, quote_id=n, sent_id=d.t["sent_id"][d.token_at(q["start_char"])],
                     n_words=count_words(q["text"]), anonymous=bool(q.get("anonymous")))
            rows.append(q)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in QUOTE_COLUMNS})
    table = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    table["side"] = table["side"].fillna("UNKNOWN")
    return table


def load_governments(lexicon, corpus=None) -> dict[str, tuple[str, str | None]]:
    """place key -> (government, its side) from data/governments.csv: "Washington" speaks as the Maison Blanche."""
    out = {}
    for row in load_csv("governments.csv", corpus, required=("place", "government")):
        alias = lexicon.aliases.get(key_of(row["government"]))
        side = alias["side"] if alias and alias["side"] not in ("", "UNKNOWN") else None
        for name in {row["place"], (lexicon.aliases.get(key_of(row["place"])) or {}).get("canonical") or row["place"]}:
            out[key_of(name)] = (row["government"], side)
    return out


def _lemma_cue(cue: str) -> str:
    """Side cues are matched against normalised lemmas: "des États-Unis" -> "de le etats-unis"."""
    from .lexicon import _phrase_norms

    return " ".join(_phrase_norms((cue,))[0])


def load_verb_classes(corpus=None) -> dict[str, str]:
    """verb lemma -> class (neutral, doubt, concession, denial, threat …) from data/verb_classes.csv."""
    return {row["verb"]: row["class"] for row in load_csv("verb_classes.csv", corpus, required=("verb", "class"))}


def speaking_order(quotes: pd.DataFrame) -> pd.DataFrame:
    """Per article: who speaks first and who gets the last word (speaker or anonymous source, and side)."""
    def who(row):
        return row["speaker"] if isinstance(row["speaker"], str) else ("anonyme" if row["anonymous"] else "?")

    rows = []
    for doc_id, group in quotes.sort_values("start_char").groupby("doc_id", sort=False):
        first, last = group.iloc[0], group.iloc[-1]
        rows.append({"doc_id": doc_id, "first": who(first), "first_side": first["side"],
                     "last": who(last), "last_side": last["side"], "n_quotes": len(group)})
    return pd.DataFrame(rows)


def quote_view(documents: pd.DataFrame, quotes: pd.DataFrame, doc_id: str, colours: dict[str, str]) -> str:
    """The article with every quote highlighted in its side's colour and the speaker in the margin (HTML)."""
    import html

    text = documents.set_index("doc_id").at[doc_id, "text"]
    rows = quotes[quotes["doc_id"] == doc_id].sort_values("start_char")
    parts, last = [], 0
    for q in rows.itertuples():
        if q.start_char < last:
            continue
        who = q.speaker if isinstance(q.speaker, str) else ("source anonyme" if q.anonymous else "locuteur inconnu")
        colour = colours.get(q.side, "#999999")
        parts.append(html.escape(text[last:q.start_char]))
        parts.append(f'<mark style="background:{colour}33;border-bottom:3px solid {colour}" '
                     f'title="{html.escape(who)} · {html.escape(q.side)} · {html.escape(q.kind)}">'
                     f"{html.escape(text[q.start_char:q.end_char])}</mark>"
                     f'<sup style="color:{colour};font-weight:bold"> [{html.escape(who)} · {html.escape(q.side)}]</sup>')
        last = q.end_char
    parts.append(html.escape(text[last:]))
    body = "".join(parts).replace("\n\n", "</p><p>")
    return f'<div style="font:15px/1.6 system-ui,sans-serif;max-width:48em"><p>{body}</p></div>'


TABLES = {
    "quotes": lambda corpus: build_quotes(corpus.documents, corpus.paragraphs, corpus.sentences, corpus.tokens,
                                          corpus.mentions, corpus.path),
}
