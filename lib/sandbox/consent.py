"""The sandbox's OAuth consent page: plain HTML with a merchant picker and Approve / Deny buttons."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from . import merchants
from .errors import ApiError
from .service import ConsentContext, SandboxService

BRAND_COLOURS = {
    "toast": "#ff4c00",
    "square": "#1a1a1a",
    "doordash": "#eb1700",
    "ubereats": "#06c167",
}

STYLE = """
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:#f3f4f6;color:#111827;display:flex;min-height:100vh;align-items:center;justify-content:center}
.card{background:#fff;width:440px;border-radius:14px;box-shadow:0 10px 30px rgba(0,0,0,.12);overflow:hidden}
.head{padding:22px 28px;color:#fff;display:flex;align-items:center;justify-content:space-between}
.head h1{font-size:22px;margin:0}.badge{font-size:12px;background:rgba(255,255,255,.25);padding:3px 9px;
border-radius:99px;letter-spacing:.04em;text-transform:uppercase}
.body{padding:24px 28px}.lead{font-size:16px;line-height:1.45;margin:0 0 16px}
ul{margin:0 0 20px;padding-left:20px;color:#374151;line-height:1.6}
label{display:block;font-weight:600;margin-bottom:6px}
select{width:100%;padding:9px 10px;border:1px solid #d1d5db;border-radius:8px;font-size:15px;background:#fff}
.merchant{padding:10px 12px;border:1px solid #d1d5db;border-radius:8px;background:#f9fafb}
.buttons{display:flex;gap:12px;margin-top:24px}
button{flex:1;padding:11px 0;font-size:16px;font-weight:600;border-radius:8px;cursor:pointer;border:1px solid}
.approve{color:#fff}.deny{background:#fff;color:#374151;border-color:#d1d5db}
.foot{font-size:12px;color:#6b7280;padding:14px 28px;border-top:1px solid #e5e7eb;background:#fafafa}
.error{color:#b91c1c}
"""


def _page(title: str, colour: str, inner: str, badge: str = "Sandbox") -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><main class='card'>"
        f"<div class='head' style='background:{colour}'><h1>{escape(title)}</h1>"
        f"<span class='badge'>{escape(badge)}</span></div>{inner}</main></body></html>"
    )


def render_consent(ctx: ConsentContext) -> str:
    """The consent page for one onboarding."""
    source = ctx.onboarding["source"]
    colour = BRAND_COLOURS.get(source, "#4f46e5")
    kind = "POS" if ctx.onboarding["type"] == "pos" else "delivery"
    rows = merchants.merchant_summary()
    if ctx.fixed_merchant:
        spec = next(r for r in rows if r["code"] == ctx.fixed_merchant)
        picker = (
            "<label>Merchant (from the organization's POS)</label>"
            f"<div class='merchant'>{escape(spec['brand'])} &middot; {spec['n_locations']:,} locations</div>"
            f"<input type='hidden' name='merchant' value='{escape(spec['code'])}'>"
        )
    else:
        options = "".join(
            f"<option value='{escape(r['code'])}'>{escape(r['brand'])} &middot; "
            f"{r['n_locations']:,} locations</option>"
            for r in rows
        )
        picker = (
            f"<label for='merchant'>Which sandbox merchant's {escape(ctx.source_label)} account "
            "is this?</label>"
            f"<select id='merchant' name='merchant'>{options}</select>"
        )
    target = urlsplit(ctx.return_url).netloc or ctx.return_url
    inner = (
        "<form class='body' method='post'>"
        f"<p class='lead'><strong>{escape(ctx.org_name)}</strong> wants to connect your "
        f"{escape(ctx.source_label)} {kind} account to Stream.</p>"
        "<ul><li>Read your locations and their addresses</li><li>Read and publish menus</li>"
        "<li>Receive and update orders</li></ul>"
        f"{picker}<div class='buttons'>"
        f"<button class='approve' style='background:{colour};border-color:{colour}' type='submit'"
        " name='action' value='approve'>Approve</button>"
        "<button class='deny' type='submit' name='action' value='deny'>Deny</button></div></form>"
        "<div class='foot'>Served by the local Stream sandbox: no real "
        f"{escape(ctx.source_label)} account is involved. After your choice you return to "
        f"{escape(target)}.</div>"
    )
    return _page(f"Connect {ctx.source_label}", colour, inner)


def render_error(message: str) -> str:
    """An error page in the same style (unknown onboarding, manual source...)."""
    return _page(
        "Sandbox consent", "#6b7280", f"<div class='body'><p class='lead error'>{escape(message)}</p></div>"
    )


def consent_router(service: SandboxService) -> APIRouter:
    """GET shows the page; POST (form: action, merchant) redirects back to return_url with code or error."""
    router = APIRouter()

    @router.get("/sandbox/consent/{onboarding_id}", response_class=HTMLResponse)
    def consent_page(onboarding_id: str) -> HTMLResponse:
        try:
            return HTMLResponse(render_consent(service.consent_context(onboarding_id)))
        except ApiError as exc:
            return HTMLResponse(render_error(exc.message), status_code=exc.status)

    @router.post("/sandbox/consent/{onboarding_id}", response_model=None)
    async def consent_decide(onboarding_id: str, request: Request) -> RedirectResponse | HTMLResponse:
        # Parsed by hand: a plain urlencoded form, no multipart dependency needed.
        form = {k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        action = form.get("action", "")
        if action not in ("approve", "deny"):
            return HTMLResponse(render_error("Choose Approve or Deny."), status_code=400)
        try:
            url = await run_in_threadpool(
                service.consent_decide, onboarding_id, action == "approve", form.get("merchant")
            )
        except ApiError as exc:
            return HTMLResponse(render_error(exc.message), status_code=exc.status)
        return RedirectResponse(url, status_code=303)

    return router
