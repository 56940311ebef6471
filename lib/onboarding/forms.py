"""Checks on what a person typed, run before anything is sent to the API."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from lib.stream.errors import ConflictError, StreamError, ValidationError

# The same loose shape the API accepts: something@domain.tld, no spaces. Stricter checks belong to the API.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

ORG_FIELD_LABELS: dict[str, str] = {
    "name": "Organization name",
    "provider_id": "Your internal id (provider_id)",
    "email": "User email",
    "first_name": "First name",
    "last_name": "Last name",
}


@dataclass(frozen=True)
class OrgForm:
    """What the create-org form holds, trimmed."""

    name: str
    provider_id: str
    email: str
    first_name: str
    last_name: str

    @classmethod
    def of(cls, **values: str | None) -> OrgForm:
        """Build from raw widget values, trimming whitespace and treating None as empty."""
        return cls(**{k: str(values.get(k) or "").strip() for k in ORG_FIELD_LABELS})

    def request(self) -> dict[str, object]:
        """The body of POST /onboarding/org."""
        return {
            "name": self.name,
            "provider_id": self.provider_id,
            "user": {"email": self.email, "first_name": self.first_name, "last_name": self.last_name},
        }

    def as_dict(self) -> dict[str, str]:
        """Field name to value."""
        return asdict(self)


def validate_org_form(form: OrgForm) -> dict[str, str]:
    """Field name to a sentence for each problem; empty when the form can be sent."""
    problems: dict[str, str] = {}
    for name, label in ORG_FIELD_LABELS.items():
        if not getattr(form, name):
            problems[name] = f"{label} is required."
    if form.email and not EMAIL_RE.match(form.email):
        problems["email"] = f"“{form.email}” is not an email address: it needs a name, an @ and a domain."
    return problems


def api_field_to_form(field: str) -> str | None:
    """Map a field path in an API validation error (e.g. "user.email") to a form field name."""
    leaf = field.rsplit(".", 1)[-1]
    return leaf if leaf in ORG_FIELD_LABELS else None


def api_field_problem(field: str, message: str) -> str:
    """The API's complaint about one form field as a sentence that names the field."""
    text = message.strip().rstrip(".")
    label = ORG_FIELD_LABELS.get(field, field)
    if text[:1].islower():  # "is already used by …": a predicate that needs the field as its subject
        return f"The API says: {label[:1].lower()}{label[1:]} {text}."
    return f"The API says about the {label[:1].lower()}{label[1:]}: {text}."


def api_field_problems(exc: StreamError) -> dict[str, str]:
    """The API's complaints about the org form's fields (validation errors, conflicts), by form field."""
    if not isinstance(exc, ValidationError | ConflictError):
        return {}
    problems: dict[str, str] = {}
    for detail in exc.details:
        field = api_field_to_form(detail.field)
        if field:
            problems[field] = api_field_problem(field, detail.message)
    return problems


def create_org_error(exc: StreamError) -> str:
    """What went wrong creating an org and what to do; a conflict is a provider_id already in use."""
    if isinstance(exc, ConflictError):
        return (
            f"The API reported a conflict while creating the organization: {exc.message.strip().rstrip('.')}."
            " Use a different provider_id, or, if it is the same merchant, add that organization by its id"
            " below."
        )
    return exc.user_message


def validate_org_id(text: str) -> str | None:
    """A sentence when an org id typed to add an existing org is unusable, else None."""
    value = text.strip()
    if not value:
        return "Type the organization's id (org_id) to add it."
    if any(c.isspace() for c in value) or "/" in value or value in (".", ".."):
        return "An org id has no spaces or slashes and is not . or ..: paste it exactly as the API gave it."
    return None
