"""Text a user typed, made safe to show where Streamlit renders Markdown.

Widget labels, captions, `st.markdown` and messages all read Markdown: a profile called
`[Prize](http://evil.example)` would become a live link, `**Teacher**` bold, `$x$` a formula.
`plain(text)` backslash-escapes every ASCII punctuation mark (CommonMark then shows each one
as itself) and turns line breaks into spaces. Escapes alone do not stop GitHub-style
autolinks: Streamlit links a bare `http://...`, `www.` or `name@host.org` found in the text
after the escapes are read, and turns `:smile:` into an emoji. So an invisible WORD JOINER
(U+2060) goes before every `:`, `.` and `@`, which none of those patterns match across.
The text reads exactly as it was typed.
"""

from __future__ import annotations

import string

JOINER = "\u2060"  # WORD JOINER: zero width, no line break, ignored by copy-paste in most places
_ESCAPES = {ord(ch): "\\" + ch for ch in string.punctuation}
_ESCAPES.update({ord(ch): JOINER + "\\" + ch for ch in ":.@"})
_ESCAPES.update({ord("\n"): " ", ord("\r"): " "})


def plain(text: object) -> str:
    """`text` as literal characters in Streamlit Markdown."""
    return str(text).translate(_ESCAPES)
