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
from dataclasses import dataclass

import pandas as pd

from .datafiles import load_csv, load_list
from .entities import Lexicon, key_of
from .lexicon import guess_verb_lemma, normalise
from .nations import Nations
from .quote_grammar import (CLITIC_SUBJECT, CLOSERS, INDEFINITE_PRONOUNS, OPENERS, PREPOSITION_WORDS, PRONOUN_GENDER, STRAIGHT,
                            SUBJECT_DEPS, SUBORDINATORS, TIME_NOUNS, WEEKDAYS, WORD_RE, _designates_someone, _Doc, _head_noun,
                            _inside_quote, _lemma_cue, _looks_like_a_name, _named_at, _np_range, _sentence_range)
from .speakers import _Speakers

QUOTE_COLUMNS = ["doc_id", "quote_id", "kind", "text", "start_char", "end_char", "speaker_text", "speaker",
                 "anonymous", "side", "cue", "sent_id", "n_words"]
MIN_UNATTRIBUTED_WORDS = 3  # a shorter quoted fragment with no cue is a scare quote or a title (3: best F1 on the development files; 2 lets titles in)
NEGATIONS = {"pas", "jamais", "guere", "aucunement", "nullement", "point"}
MODALS = {"pouvoir", "devoir", "vouloir", "susceptible", "aller", "falloir"}


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
                                for m in d.mention_covering(d.end_char(v), d.t["start_char"][stop])) or (
                        d.norm[v + 1] in ("le", "la", "l'") and _head_noun(d, *_np_range(d, v + 1)) in d.source_nouns)
                    # ("« Supprimons les privilèges, scande l'élu divers droite. J'ai laissé … »")
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
    incises = _incise_verbs(d, verbs)
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


PUNCTUATION_STOPS = (",", ".", ";", ":", "!", "?", "(", ")")
AGE_WORDS = {"ans", "an"}  # "de 77 ans": an age inside a description


def _incise_verbs(d: _Doc, verbs=frozenset()) -> set[int]:
    """Verbs in incise position after a closed quote: `« … », [aux] VERB subject`; after a few
    unquoted words completing the quote, only a reporting verb (`verbs`)."""
    found = set()
    d.after_quote = set()  # verbs right after a quote and a comma: _inverted_subject_follows reads further there
    d.after_completed_quote = set()  # … or after a few unquoted words that complete the quote
    for q in d.spans:
        if not q.closed or q.end >= len(d.text):
            continue
        k = d.token_at(q.end)
        while k < d.n and d.t["start_char"][k] < q.end:
            k += 1
        if k >= d.n:
            continue
        completed = False
        if d.t["text"][k] != ",":  # no comma: an unmistakable inversion, "« … » a t-il lancé", or a quote
            # that opens its sentence, followed by a verb group ("« … » avait affirmé … la députée de Paris")
            opens = not WORD_RE.search(d.text[max(d.text.rfind("\n", 0, q.start) + 1,
                                                  d.t["start_char"][_sentence_range(d, d.token_at(q.start))[0]]):q.start])
            if not (any(re.fullmatch(CLITIC_SUBJECT, d.norm[j]) or re.search(CLITIC_SUBJECT + "$", d.norm[j])
                        for j in range(k, min(d.n, k + 3))) or opens and d.t["pos"][k] in ("AUX", "VERB")
                    and d.t["text"][k][:1].islower()):
                # '« … » aux incendies, a estimé Ralph Goodale': a few unquoted words complete the quote
                # before the incise
                stop = next((j for j in range(k, min(d.n, k + 7)) if d.t["text"][j] in PUNCTUATION_STOPS
                             or d.t["text"][j][:1] in OPENERS + CLOSERS + STRAIGHT), None)
                if stop is None or stop == k or d.t["text"][stop] != "," or any(
                        d.t["pos"][j] in ("VERB", "AUX") for j in range(k, stop)):
                    continue
                k, completed = stop, True
            else:
                k -= 1
        v = k + 1
        while v < d.n and v < k + 6 and (d.t["pos"][v] in ("AUX", "ADV") or d.norm[v] in ("s'", "se", "t", "-t")
                                         or d.norm[v] in WEEKDAYS and d.t["pos"][v] != "NUM"
                                         or d.lemma[v] in ("avoir", "etre") or re.fullmatch(CLITIC_SUBJECT, d.norm[v])):
            v += 1  # "a ainsi lancé", "a-t-il déclaré", "a t -il lancé" (the model tags that "a" VERB)
        if v >= d.n or d.t["pos"][v] in ("PUNCT", "DET", "ADP", "CCONJ", "SCONJ", "NUM") or _is_participle(d, v):
            continue
        if "VerbForm=Inf" in d.t["morph"][v] or not d.t["text"][v][:1].islower():
            continue
        if completed and not (d.lemma[v] in verbs or guess_verb_lemma(d.t["text"][v], verbs)):
            continue  # '« … » un paquet de feuilles, engouffre-t-il': not speech
        d.after_quote.add(v)
        if completed:
            d.after_completed_quote.add(v)
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
        if k > j + 2 and any(m["start_char"] == d.t["start_char"][k] and (m.get("type") == "PER" or d.t["pos"][k - 1] == "PROPN")
                             for m in d.mention_covering(d.t["start_char"][k], d.end_char(k))):
            break  # "a expliqué à l'AFP Joshunda Sanders", "déclare à l'AFP Georgios": the person after the addressee
        k += 1
    if k <= s_hi and k > j + 1 and d.norm[k] in ("du", "de", "des", "d'"):  # "au lendemain du scandale"
        k += 1
        while k <= s_hi and d.t["pos"][k] in ("DET", "NOUN", "ADJ") and d.t["text"][k] != "," and not (
                d.t["pos"][k] == "DET" and d.t["pos"][k - 1] == "NOUN"):
            k += 1
    return k if k <= s_hi and d.t["pos"][k] in ("DET", "PROPN") else j


def _clitic_subject(d: _Doc, v: int) -> bool:
    """Does verb v carry its subject as a clitic before it or glued to it: "estime-t-il", "a-t-il
    lancé", "a t-il lancé", "a-t-elle d'abord lancé" (over adverbs)?"""
    if re.search(r"-(?:t-)?(?:il|elle|ils|elles|on)$", d.norm[v]):
        return True
    before = v
    while before > 0 and v - before < 3 and d.t["pos"][before - 1] == "ADV":
        before -= 1
    return any(re.fullmatch(CLITIC_SUBJECT, d.norm[k]) for k in range(max(0, before - 2), before))


def _inverted_subject_follows(d: _Doc, v: int) -> bool:
    """"a plaisanté dimanche Elon Musk", "estime-t-il", "a précisé la porte-parole": a subject after the verb."""
    if _clitic_subject(d, v):
        return True
    j = _skip_time_words(d, v + 1, d.n - 1)
    if j >= d.n:
        return False
    j = _skip_insertion(d, j)
    j = _skip_time_words(d, _skip_addressee(d, j, _sentence_range(d, v)[1]), d.n - 1)
    if d.norm[j].lstrip("-").removeprefix("t-") in PRONOUN_GENDER or d.norm[j] in ("-t", "t"):
        return True
    if d.t["pos"][j] in ("DET", "PROPN") or (d.t["pos"][j] == "NOUN" and d.t["text"][j][:1].isupper()):
        return True
    if d.norm[j] in ("celui", "celle") and d.norm[j + 1:j + 2] == ["qui"]:
        return True  # "affirme celui qui a « adhéré au PS en 1990 »"
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
    if any(d.t["dep"][k] in SUBJECT_DEPS and k < first and not _inside_quote(d, k) and (d.t["pos"][k] in ("NOUN", "PROPN") or (
               d.t["pos"][k] == "PRON" and d.norm[k] in ("un", "une", "l'un", "l'une")))
           and not any(d.t["pos"][j] in ("VERB", "AUX") for j in range(k + 1, first)) for k in d.children.get(v, [])) \
            and v not in getattr(d, "after_completed_quote", ()):
        return None  # "l'un de leurs avocats, Olivier Morice, a salué des condamnations": the comma closes an apposition
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
    while first > 0 and v - first < 6 and (d.t["pos"][first - 1] in ("AUX", "ADV") or d.norm[first - 1] in ("s'", "se", "t", "-t")
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
    rng = _subject_phrase(d, v, how)
    if rng is not None and rng[0] == rng[1] and d.norm[rng[0]] in ("-t", "t") and rng[0] + 1 < d.n:
        rng = (rng[0] + 1, rng[0] + 1)  # "a-t-il": the parser may make "-t" the subject, the pronoun is "-il"
    return _relative_antecedent(d, rng)


def _shared_relative_subject(d: _Doc, v: int) -> tuple[int, int] | None:
    """"Donald Trump, qui les a traités de « … » et a assuré qu'ils …": a verb coordinated with the
    verb of a relative clause shares its "qui", which stands for the phrase before it."""
    head = d.t["head"][v]
    if d.t["dep"][v] != "conj" or head == v:
        return None
    qui = [k for k in d.children.get(head, []) if d.t["dep"][k] in SUBJECT_DEPS and d.norm[k] == "qui"]
    if not qui:
        return None
    found = _relative_antecedent(d, (qui[0], qui[0]))
    return None if found == (qui[0], qui[0]) else found


def _relative_antecedent(d: _Doc, rng: tuple[int, int] | None) -> tuple[int, int] | None:
    """A relative "qui" stands for the phrase before it: "Marine, 35 ans, qui patiente : « … »"."""
    if rng is None or rng[0] != rng[1] or d.norm[rng[0]] != "qui":
        return rng
    k = rng[0] - 1
    if k >= 0 and d.t["text"][k] == ",":
        k -= 1
    # a name a few words back, over ", 35 ans,"; further back only the name an apposition follows
    # ("Maryanne Trump Barry, ex-juge fédérale de 83 ans, qui a jugé")
    for j in range(k, max(-1, k - 14), -1):
        names = [m for m in d.mention_covering(d.t["start_char"][j], d.end_char(j))
                 if m.get("kind") == "name" and (m.get("type") in ("PER", "ORG") or _looks_like_a_name(m["text"]))]
        if names and (j > k - 5 or j + 1 < d.n and d.t["text"][j + 1] == ","):
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
        # "a-t-il déclaré à l'agence Ria Novosti", "dit -il à …": the pronoun is the subject
        clitic = _clitic_subject(d, v) or v + 1 < d.n and re.fullmatch(CLITIC_SUBJECT, d.norm[v + 1]) is not None
        for m in d.mention_covering(d.t["start_char"][v], d.end_char(stop - 1) if stop - 1 > v else d.end_char(v)):
            if m.get("type") == "PER" and m.get("kind") == "name" and m["start_char"] > d.t["start_char"][v]:
                lo = d.token_at(m["start_char"])  # "a dit sur Twitter Vladimir Oustimenko"
                # not "le conseiller de Poutine" (a complement); "le secrétaire d'État aux Retraites Laurent
                # Pietraszewski", "la cheffe de l'exécutif Carrie Lam" (a name in apposition to the role) is the subject
                circumstance = any(d.norm[k] in ("lors", "sur", "dans", "pendant", "devant", "apres", "avant", "avec",
                                                 "chez", "pour", "par", "selon") for k in range(v + 1, lo))
                if not any(d.t["pos"][k] == "DET" for k in range(v + 1, lo)) or not clitic and not circumstance and (
                        d.t["pos"][lo - 1] in ("NOUN", "PROPN", "ADJ") and d.norm[lo - 1] not in PREPOSITION_WORDS
                        and not (d.lemma[lo - 1] in getattr(d, "institution_nouns", ()) and d.t["text"][lo - 1].islower()
                                 and d.t["pos"][lo - 2] == "DET")):  # not "l'université George Washington"
                    return lo, d.token_at(m["end_char"] - 1)
        for k in list(range(v + 1, min(s_hi, v + 4) + 1)) + list(range(max(0, v - 2), v)):
            word = d.norm[k].lstrip("-").removeprefix("t-")
            if word in PRONOUN_GENDER and (k > v or d.t["pos"][k] == "PRON" or d.norm[k].startswith("-")):
                return k, k  # "a-t-il déclaré", "a t-il lancé"
        preverbal = [k for k in d.children.get(v, []) if d.t["dep"][k] in SUBJECT_DEPS and k < v and not _inside_quote(d, k)
                     and d.t["pos"][k] in ("NOUN", "PROPN") and d.lemma[k] not in TIME_NOUNS]
        after = _np_range(d, j) if j <= s_hi and (d.t["pos"][j] in ("DET", "PROPN", "NOUN", "PRON")
                                                   or d.t["text"][j][:1].isupper()) else None
        if after is not None and _head_noun(d, *after) in TIME_NOUNS and preverbal and _np_range(d, preverbal[0])[0] == s_lo:
            # "L'ancien marine …, brandissant une feuille où était écrit « … », a clamé une fois de plus":
            # what follows the verb is time, not its subject
            return _np_range(d, preverbal[0])
        if after is not None:
            return after
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
    for _ in range(2):  # "Nicolas Bay, …, a pour sa part jugé": over the aside and the auxiliary
        if k >= 3 and tuple(d.norm[k - 3:k]) in ASIDES:
            k -= 3
        while k > 0 and (d.t["pos"][k - 1] in ("AUX", "PRON", "ADV") or d.t["dep"][k - 1].startswith("aux")) \
                and d.norm[k - 1] not in PRONOUN_GENDER and d.norm[k - 1] != "qui":
            k -= 1
    k -= 1
    if k > 0 and d.t["text"][k] == ",":
        # over a relative clause between commas, commas and verbs inside it too ("Preet Bharara, qui avait été
        # renvoyé …, comme le lui demandait M. Trump, s'est interrogé"), else over an apposition with no verb
        relative = next((j for j in range(k - 1, max(-1, k - 40), -1) if d.t["text"][j] in (".", ":", ";")
                         or d.t["text"][j] == "," and d.norm[j + 1] == "qui"), None)
        opening = next((j for j in range(k - 1, max(-1, k - 20), -1) if d.t["text"][j] in (",", ".", ":", ";")), None)
        if relative is not None and d.t["text"][relative] == ",":
            opening = relative
        elif opening is None or d.t["text"][opening] != "," or any(d.t["pos"][j] == "VERB" for j in range(opening, k)):
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
    if k >= 3 and tuple(d.norm[k - 3:k]) in ASIDES:
        k -= 3  # "L'exécutif a de son côté assuré"
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
                         or d.t["pos"][lo - 1] == "NUM" and d.norm[lo] in AGE_WORDS  # "l'écrivain de 77 ans"
                         or lo >= 2 and d.t["start_char"][lo - 1] == d.end_char(lo - 2)  # "écrivain-reporter", cut at "-"
                         and (d.t["text"][lo - 1] == "-" or d.t["text"][lo - 2] == "-")
                         or d.t["text"][lo - 1] in CLOSERS + OPENERS + STRAIGHT) and d.t["text"][lo - 1] not in (",", ":"):
        if d.t["pos"][lo - 1] == "PRON" and d.norm[lo - 1] not in ("d'", "l'un", "l'une", "-"):
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
    if head > v and subjects:
        return _np_range(d, subjects[0])
    # the parser cut the sentence at the quote ("Rappelant que « … », l'un de leurs avocats, Olivier
    # Morice, a salué …"): the first subject after the quote, in the same paragraph, of a verb outside it
    para = d.para_of(d.t["start_char"][v])
    for k in range(v + 1, min(d.n, v + 60)):
        if d.para_of(d.t["start_char"][k]) != para:
            break
        if (d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k) and not _inside_quote(d, d.t["head"][k])
                and d.t["head"][k] > k):
            return _relative_antecedent(d, _np_range(d, k)) if d.norm[k] != "qui" else None
    return None


def _nearest_subject_before(d: _Doc, v: int) -> tuple[int, int] | None:
    """The closest subject before a participle whose sentence has no other cue ("… à M. Poutine,
    déclarant que …": the parser may have cut the sentence at "M.")."""
    for k in range(v - 1, max(-1, v - 60), -1):
        # not "-t" of "a-t-il" (the pronoun is "-il"), nor the "qui" of a relative clause on the way
        # ("Édouard Philippe a mis en garde les gilets jaunes, qui lancent …, leur rappelant que")
        if d.t["dep"][k] in SUBJECT_DEPS and not _inside_quote(d, k) and d.norm[k] not in ("-t", "t", "qui"):
            return _np_range(d, k)
    return None


# --------------------------------------------------------------------------- speakers


    # (not "Les Républicains", "La République en marche": a party, a title)


# --------------------------------------------------------------------------- assembling

def _strip_marks(text: str) -> str:
    cleaned = "".join(ch for ch in text if ch not in OPENERS + CLOSERS + STRAIGHT)
    return re.sub(r"\s+", " ", cleaned).strip().rstrip(".,;").strip()


def _selon_cues(d: _Doc, institution_nouns: set[str] = frozenset()) -> list[tuple[int, str, int, int, tuple[int, int]]]:
    """"selon X, …" / "…, selon X" / "d'après X" / "de l'avis de X" / "Pour X, …" at the start of a
    sentence (when X is someone: "Pour les organisateurs, …", not "Pour l'instant, …") / "X, pour qui …":
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
        if (d.norm[i] == "pour" and 2 <= i and i + 2 <= s_hi and d.norm[i + 1] == "qui" and d.t["text"][i - 1] == ","
                and (named := _named_at(d, i - 2, ("PER", "ORG"))) is not None):
            # "… du ministre Christophe Castaner, pour qui « … »": the person just named
            out.append((i, "selon", d.t["start_char"][i + 2], d.end_char(_trim_end(d, s_hi)), named))
            continue
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
            verb = d.t["head"][k]
            if hi < verb < first and not any(d.t["text"][j] in (",", ";", ":") or d.t["pos"][j] == "VERB" and j != k
                                             for j in range(hi + 1, verb)):
                names = [m for m in d.mention_covering(d.end_char(hi), d.t["start_char"][verb])
                         if m.get("type") == "PER" and m.get("kind") == "name" and m["start_char"] >= d.end_char(hi)]
                if names:  # "La députée et secrétaire générale adjointe de LR Valérie Boyer a demandé d'« … »"
                    return d.token_at(names[-1]["start_char"]), d.token_at(names[-1]["end_char"] - 1)
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
    d.institution_nouns = institution_nouns
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
        following = [later for later in quotes[k + 1:] if d.para_of(later["start_char"]) - para <= 6 or opening]
        repeated = next((later for later in following if later["speaker"] and len(
            words & {normalise(w) for w in WORD_RE.findall(later["text"])}) >= 0.6 * len(words)), None)
        section = [later for later in following if d.para_of(later["start_char"]) - para <= 3]
        # else a heading announces its section: the first person named as speaking in it
        # ("- « Nous sommes en première ligne » -" over the paragraphs on Rodolfo Díaz)
        heading = not opening and d.text[lo:quote["start_char"]].strip(" -–—•\n" + OPENERS + CLOSERS + STRAIGHT) == ""
        protagonist = next((later for later in section if later["speaker"] and not later["anonymous"]), None) if heading else None
        if repeated or protagonist:
            quote.update({key: (repeated or protagonist)[key] for key in ("speaker_text", "speaker", "anonymous", "side")})


def _quote_of_cue(d: _Doc, c: dict, spans: list[QuoteSpan], speakers: _Speakers, last_in_sentence: dict) -> dict | None:
    sent = d.t["sent_id"][c["token"]]
    if c["subject"] is None and sent in last_in_sentence:
        who = dict(last_in_sentence[sent])
    elif c["participle"] or c["subject"] is None:
        who = speakers.resolve(_absolute_subject(d, c["token"]) or _fronted_participle_subject(d, c["token"])
                               or _shared_relative_subject(d, c["token"]) or _nearest_subject_before(d, c["token"]), c["cue"])
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
    # the subject of the last verb before the colon, with the cue rules' subject search ("Preet Bharara, qui
    # avait été renvoyé … comme le lui demandait M. Trump, s'est interrogé sur Twitter : « … »")
    verb = next((k for k in range(colon - 1, s_lo - 1, -1) if d.t["pos"][k] == "VERB" and d.t["text"][k][:1].islower()
                 and not _inside_quote(d, k)), None)  # (not "sur Twitter", tagged VERB)
    if verb is not None and (named := _name_before(d, verb)) is not None:
        return ":", named
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
