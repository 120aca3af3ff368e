"""Content: YAML topic files -> typed, validated models (errors name path:line)."""

from studyapp.content.base import LANGUAGES, Text
from studyapp.content.loader import Content, ContentError, content_dir, load_content
from studyapp.content.models import Card, Topic

__all__ = ["LANGUAGES", "Card", "Content", "ContentError", "Text", "Topic", "content_dir", "load_content"]
