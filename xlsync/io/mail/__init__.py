"""Sending the master workbook by email, one module per concern.

- :mod:`~xlsync.io.mail.settings`: where and how to send (``XLSYNC_SMTP_*``, the system keyring);
- :mod:`~xlsync.io.mail.message`: the message built once, for an ``.eml`` dry run or for sending;
- :mod:`~xlsync.io.mail.transport`: one SMTP transaction, never retried;
- :mod:`~xlsync.io.mail.log`: the CSV send log beside the master.

The SMTP password never reaches a log record, an exception message or a repr.
"""
