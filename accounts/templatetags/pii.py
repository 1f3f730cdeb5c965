"""Template filters that mask personal information: {{ enterprise.contact_phone|mask_phone }}."""

from django import template

from accounts import masking

register = template.Library()
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_id_number", masking.mask_id_number)
