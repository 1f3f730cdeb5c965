"""Every string in the English catalogue is translated, and the compiled catalogue is current
(run compilemessages after editing the .po file)."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = "".join(re.findall(r'^msgid "(.*)"$', block, re.M))
        if msgid:
            yield msgid, re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', block, re.M)


def test_every_message_has_an_english_translation():
    untranslated = [msgid for msgid, strs in entries() if not all(strs)]
    assert untranslated == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_the_compiled_catalogue_matches_the_source():
    with PO.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for msgid, strs in entries():
        if len(strs) == 1 and "\\" not in msgid:
            assert compiled.gettext(msgid) == strs[0].replace('\\"', '"'), msgid
