"""Words, stop words and stems: the one tokenizer both engines and the snippets share."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Letters and digits; an underscore separates words, so no word can look like an
# engine's filter token (sqlite.facet_tokens).
WORD_RE = re.compile(r"[^\W_]+")

# Function words too common in Indonesian public records to say anything about an
# entry. PostgreSQL's `indonesian` configuration ships no stop-word list, so this one
# is applied in Python before either engine sees the text.
STOP_WORDS = frozenset(
    """
    ada adalah agar akan akan antara apa apabila atas atau bagaimana bagi bahwa baik
    banyak beberapa belum berbagai bersama bisa bukan dalam dan dapat dari daripada
    dengan di dia ia ini itu jika juga kami kamu karena kata ke kecuali kepada ketika
    kita lagi lain lalu maka mana masih melalui memang mereka misalnya mungkin namun
    oleh pada paling para per perlu pula saat saja sama sampai sangat sebagai sebelum
    secara sedang sehingga sejak sekitar selain selama seluruh semua sendiri seperti
    serta setelah setiap sudah supaya tanpa telah tentang terhadap tersebut tetapi
    tidak untuk walaupun yaitu yakni yang
    """.split()
)

# File types the search can filter on, each a bit of SearchEntry.file_types.
FILE_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt", "image", "other")
_EXTENSION_TYPES = {
    "pdf": "pdf",
    "doc": "docx",
    "docx": "docx",
    "xls": "xlsx",
    "xlsx": "xlsx",
    "ppt": "pptx",
    "pptx": "pptx",
    "odt": "odt",
    "ods": "ods",
    "csv": "csv",
    "txt": "txt",
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "tif": "image",
    "tiff": "image",
}

_stemmer = snowballstemmer.stemmer("indonesian")


def file_type_of(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return _EXTENSION_TYPES.get(extension, "other")


def file_type_bit(file_type: str) -> int:
    return 1 << FILE_TYPES.index(file_type)


def fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer folds."""
    text = text.lower()
    if text.isascii():  # nearly every Indonesian text: nothing to strip
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The searchable words of `text`, folded, without stop words."""
    return [w for w in WORD_RE.findall(fold(text)) if w not in STOP_WORDS]


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]
