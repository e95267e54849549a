"""Discord's error responses: the HTTP status, the JSON error code and, for bad form bodies, the nested errors.

Shapes from https://discord.com/developers/docs/topics/opcodes-and-status-codes#json ("Example JSON
Error Response": {"message", "code"}) and https://discord.com/developers/docs/reference#error-messages
(50035 "Invalid Form Body" with an `errors` object whose leaves are {"_errors": [{"code", "message"}]}).
"""

from __future__ import annotations

from typing import Any

# JSON error codes used here, as the status-codes page names them.
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
CANNOT_EDIT_OTHERS = 50005
ALREADY_ACKNOWLEDGED = 40060
MISSING_ACCESS = 50001
EMPTY_MESSAGE = 50006
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
THREAD_ALREADY_CREATED = 160004

_MESSAGES = {
    UNKNOWN_CHANNEL: "Unknown Channel",
    UNKNOWN_MESSAGE: "Unknown Message",
    UNKNOWN_WEBHOOK: "Unknown Webhook",
    UNKNOWN_INTERACTION: "Unknown interaction",
    CANNOT_EDIT_OTHERS: "Cannot edit a message authored by another user",
    ALREADY_ACKNOWLEDGED: "Interaction has already been acknowledged.",
    MISSING_ACCESS: "Missing Access",
    EMPTY_MESSAGE: "Cannot send an empty message",
    CANNOT_DM: "Cannot send messages to this user",
    MISSING_PERMISSIONS: "Missing Permissions",
    INVALID_WEBHOOK_TOKEN: "Invalid Webhook Token",
    INVALID_FORM_BODY: "Invalid Form Body",
    THREAD_ALREADY_CREATED: "A thread has already been created for this message",
}


class ApiError(Exception):
    """An error response: raised by a rule, turned into JSON by the server."""

    def __init__(self, status: int, code: int, errors: dict[str, Any] | None = None, message: str = "") -> None:
        self.status, self.code, self.errors = status, code, errors
        self.message = message or _MESSAGES.get(code, "Error")
        super().__init__(f"{status} {self.message} ({code})")

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


class FormErrors:
    """Collects field errors of a request body into Discord's nested `errors` object."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: tuple[str | int, ...], value: str | None, limit: int) -> None:
        if value is not None and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: tuple[str | int, ...], value: str | None, limit: int) -> None:
        if not value:
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        else:
            self.too_long(path, value, limit)

    def too_many(self, path: tuple[str | int, ...], items: list | None, limit: int) -> None:
        if items is not None and len(items) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise ApiError(400, INVALID_FORM_BODY, self.tree)

    @staticmethod
    def leaves(errors: dict[str, Any], prefix: str = "") -> list[str]:
        """'path.to.field: CODE' for every error in a nested errors object (for test messages)."""
        found = []
        for key, value in errors.items():
            if key == "_errors":
                found += [f"{prefix.rstrip('.')}: {e['code']}" for e in value]
            else:
                found += FormErrors.leaves(value, f"{prefix}{key}.")
        return found
