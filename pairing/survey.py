"""The visit survey (走访调查表): its questions, one place for the form, the pages and the demo.

Answers are stored in Visit.survey as {code: value}; choice answers as codes, never labels, so a
page shows them in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TREND = [("up", _("增长")), ("flat", _("持平")), ("down", _("下降"))]
STAGE = [("none", _("无")), ("planned", _("计划中")), ("ongoing", _("进行中"))]
NEED = [("no", _("无")), ("yes", _("有"))]


@dataclass(frozen=True)
class Question:
    code: str
    label: str
    choices: list | None = None  # None: a number, counted in `unit`
    with_note: bool = False
    unit: str = ""


QUESTIONS = [
    Question("orders", _("订单"), TREND),
    Question("sales", _("销售"), TREND),
    Question("staff", _("在岗职工"), unit=_("人")),
    Question("hiring_gap", _("用工缺口"), unit=_("人")),
    Question("talent_need", _("人才需求"), NEED),
    Question("financing_need", _("融资需求"), NEED),
    Question("tech_upgrade", _("技术改造"), STAGE),
    Question("machine_for_labour", _("机器换人"), STAGE),
]
BY_CODE = {q.code: q for q in QUESTIONS}


def answers_for_display(survey: dict) -> list[tuple[str, str]]:
    """(question label, answer label) for each answered question, in the form's order."""
    rows = []
    for question in QUESTIONS:
        value = survey.get(question.code)
        if value in (None, ""):
            continue
        if question.choices:
            value = dict(question.choices).get(value, value)
        elif question.unit:
            value = f"{value} {question.unit}"
        rows.append((question.label, value))
    return rows
