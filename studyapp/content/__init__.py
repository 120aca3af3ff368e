"""Content: YAML topic files -> typed, validated models (errors name path:line)."""

from studyapp.content.loader import Content, ContentError, content_dir, load_content
from studyapp.content.models import Card, Topic

__all__ = ["Card", "Content", "ContentError", "Topic", "content_dir", "load_content"]
