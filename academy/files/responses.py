"""The headers a private file is sent with."""

import re
import unicodedata
from urllib.parse import quote

# Characters safe inside a quoted filename="..." for every browser: no quotes, backslashes,
# percent signs (some browsers decode them) or controls.
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()\-+,&'!=@~\[\]]")


def attachment_disposition(name: str) -> str:
    """`Content-Disposition: attachment` for `name` (RFC 6266): a plain ASCII `filename` every
    browser understands, plus `filename*` in UTF-8 (RFC 8187) when the name has other characters."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""

    def ascii_only(text: str) -> str:
        flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return _UNSAFE_ASCII.sub("_", flat).strip(" .")

    fallback = ascii_only(stem) or "download"
    if extension:
        fallback = f"{fallback}.{ascii_only(extension)}"
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
