"""The sandbox owns its schema; this is where it must agree with the client's (lib.stream.models)."""

from __future__ import annotations

from lib.sandbox import merchants as sandbox_merchants
from lib.sandbox import schemas as sandbox_schemas
from lib.stream import models as client_models


def test_the_sandbox_and_the_client_name_the_same_address_fields_in_the_same_order() -> None:
    assert sandbox_merchants.ADDRESS_FIELDS == client_models.ADDRESS_FIELDS


def test_the_sandbox_and_the_client_agree_on_the_request_bodies_fields() -> None:
    pairs = [
        (sandbox_schemas.OrgIn, client_models.CreateOrgRequest),
        (sandbox_schemas.UserIn, client_models.OrgUser),
        (sandbox_schemas.IntegrationIn, client_models.CreateIntegrationRequest),
        (sandbox_schemas.CodeIn, client_models.CodeExchangeRequest),
        (sandbox_schemas.IngestIn, client_models.IngestRequest),
        (sandbox_schemas.BindItem, client_models.BindPair),
        (sandbox_schemas.BindIn, client_models.BindRequest),
    ]
    for sandbox_model, client_model in pairs:
        assert set(sandbox_model.model_fields) == set(client_model.model_fields), sandbox_model.__name__


def test_no_sandbox_module_imports_the_client() -> None:
    import ast
    from pathlib import Path

    folder = Path(sandbox_merchants.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in modules if m.startswith("lib.stream")], path.name
