"""URL converters shared by every face."""


class IdConverter:
    """A database id: 1 to 18 digits, so it always fits a 64-bit integer column. A
    longer number matches no URL (404) instead of overflowing the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
