"""What can go wrong in a class session, as reasons the pages put in words (each `reason` is
a catalogue key of studyapp/ui/strings, with `values` for its {fields})."""

from __future__ import annotations


class ClassroomError(Exception):
    """A refused request: `reason` names why (a catalogue key), `values` fill in its words."""

    reason = "class_refused"

    def __init__(self, reason: str | None = None, **values: object) -> None:
        self.reason = reason or type(self).reason
        self.values = values
        super().__init__(f"{self.reason} {values}" if values else self.reason)


class NoRoom(ClassroomError):
    reason = "class_no_room"


class NotTeacher(ClassroomError):
    """The request needs the teacher's key, and did not bring it."""

    reason = "class_not_teacher"


class RoomEnded(ClassroomError):
    reason = "class_room_ended"


class BadNickname(ClassroomError):
    reason = "class_nick_empty"


class NotOpen(ClassroomError):
    """An answer arrived while its question is not open for answers."""

    reason = "class_not_open"


class BadAnswer(ClassroomError):
    reason = "class_bad_answer"


class BadMove(ClassroomError):
    """A teacher action that the question's state does not allow now."""

    reason = "class_bad_move"
