"""An import's stored messages worded in the reader's language (spreadsheets.messages)."""

from django import template

from enterprises.spreadsheets import messages

register = template.Library()


@register.filter
def row_message(entry: dict) -> str:
    return messages.row_message(entry)


@register.filter
def job_message(value: str) -> str:
    return messages.job_message(value)
