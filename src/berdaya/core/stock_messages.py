"""Django's own form messages that read badly in Indonesian, said Berdaya's way.

Berdaya's catalogue (LOCALE_PATHS) is searched before Django's, so a msgid listed here and
translated in `locale/id/LC_MESSAGES/django.po` replaces Django's wording. They are listed
with `gettext_noop` only so that `makemessages` keeps them in the catalogue; the text must
stay exactly Django's msgid (tests/test_messages_in_code.py checks both).
"""

from django.utils.translation import gettext_noop

REWORDED = (
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
)
