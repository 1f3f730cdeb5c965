"""Import messages kept as a code and its parameters, worded when shown, in the reader's language
(as issues.notification_texts words notifications). An import job's message (job_error) is a code;
a row error keeps its code and parameters beside the Chinese wording, which the error workbooks use
and which is shown as it is for entries stored before codes existed."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # A cell that cannot be read (cells.py).
    "not_amount": _("“{value}”不是金额（示例：1,200万元、1.5亿元、350000元）"),
    "not_amount_number": _("“{value}”不是金额"),
    "bad_date_serial": _("“{value}”不是有效的日期序号"),
    "no_such_date": _("“{value}”不是存在的日期"),
    "not_date": _("“{value}”不是日期（示例：2020-01-02、2020年1月2日）"),
    "not_integer": _("“{value}”不是整数"),
    # A roster row (roster_import.py).
    "required": _("必填项为空"),
    "unknown_town": _("镇街不存在，请填写系统中已有的镇街名称"),
    "unknown_industry": _("行业不存在，请填写国民经济行业代码（如 C34）或名称"),
    "bad_scale": _("规模只能是：{words}"),
    "bad_production_status": _("生产状态只能是：正常生产、减产、停产"),
    "unknown_tag": _("标签“{tag}”不存在"),
    "duplicate_uscc": _("与第{first}行的统一社会信用代码重复"),
    "too_long": _("内容过长（最多{limit}个字）"),
    "bad_above_scale": _("只能填写：规上、规下（或是、否）"),
    "above_scale_conflict": _("与“规模”列的规上/规下不一致"),
    "negative_amount": _("金额不能为负数"),
    "amount_too_large": _("金额过大（{amount}万元），请核对单位：本列以万元计"),
    "negative_employees": _("从业人数不能为负数"),
    "too_many_employees": _("从业人数超过{max}人，请核对"),
    "founded_in_future": _("成立日期晚于今天，请核对"),
    "founded_before_1949": _("成立日期早于1949年，请核对"),
    # A cadre or pairing row (pairing/cadre_import.py, pairing/pairing_import.py); their other
    # messages take no parameters and are their own codes (marked with gettext_noop).
    "duplicate_staff_no": _("与第{first}行的工号重复"),
    "duplicate_phone": _("与第{first}行的手机号重复"),
    "bad_rank": _("职级只能是：{ranks}"),
    "still_paired": _("该干部仍联系着{n}家企业，请在交接页面为其企业安排接替的干部"),
    "duplicate_pairing": _("与第{first}行重复（同一干部、企业和行动）"),
    "no_such_group": _("行动“{campaign}”中没有这个专项组/服务组"),
    "no_such_batch": _("行动“{campaign}”中没有这个批次"),
    "already_paired_as": _(
        "该干部已在此行动中以“{role}”身份联系该企业（或服务组不同）；"
        "导入不修改已有结对，如需调整请先结束原结对"
    ),
    # A whole file, and the import's jobs (import_jobs.py).
    "no_rows": _("名册没有数据行：请在表头下逐行填写企业，或检查是否选错了工作表。"),
    "interrupted": _("后台任务中断，数据库未作任何改变，请重新操作。"),
    "failed_at_confirm": _("名册在确认时校验未通过，未导入任何数据，请按下表修改后重新上传。"),
}


def worded(code: str, params: dict | None = None) -> str | None:
    """The message in the active language, or None for a code without words here."""
    template = MESSAGES.get(code)
    if template is None:
        return None
    try:
        return str(template).format(**(params or {}))
    except (KeyError, IndexError, ValueError):  # parameters from another release
        return None


def source(code: str, params: dict | None = None) -> str:
    """The message in Chinese, the language of the sheets: stored beside the code."""
    with translation.override(None):
        return worded(code, params) or code


def row_message(entry: dict) -> str:
    """A stored row error's message in the reader's language. Without a known code, the stored
    message, translated when it is a message of its own (a msgid), else as it was stored."""
    coded = worded(entry.get("code", ""), entry.get("params"))
    message = entry.get("message", "")
    return coded or (gettext(message) if message else "")


def job_message(value: str) -> str:
    """An import job's message: a code, or the Chinese text stored before codes (a msgid)."""
    return worded(value) or (gettext(value) if value else "")
