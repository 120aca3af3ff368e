"""Content: YAML topic files -> typed, validated models (errors name path:line)."""

from studyapp.content.loader import Content, ContentError, content_dir, load_content
from studyapp.content.models import Card, Topic
from studyapp.text import LANGUAGES  # the languages every text is written in

__all__ = ["LANGUAGES", "Card", "Content", "ContentError", "Topic", "content_dir", "load_content"]
