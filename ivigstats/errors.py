"""The one error type that reaches users: bad input with a location."""


class InputError(Exception):
    """Bad input: ``where`` (file and field, or file:line and column), ``what`` was wrong.

    The CLI prints ``ivigstats: error: <where>: <what>`` and exits with status 2.
    """

    def __init__(self, where: str, what: str):
        super().__init__(f"{where}: {what}" if where else what)
        self.where = where
        self.what = what
