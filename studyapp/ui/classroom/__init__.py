"""The classroom's pages: the teacher's page (/teach), the students' page (/join) and the
projector (/present: a live session's screen with ?room=CODE, else the presenter view of a
topic). The logic is studyapp.classroom's; these pages draw it and pass on button presses."""

from __future__ import annotations


def teach_page() -> None:
    from studyapp.ui.classroom import teach as page

    page.render()


def join_page() -> None:
    from studyapp.ui.classroom import join as page

    page.render()


def present_page() -> None:
    from studyapp.ui.classroom import common, presenter, projector

    code = common.param("room")
    if code is not None:
        projector.render(code)
    else:
        presenter.render()
