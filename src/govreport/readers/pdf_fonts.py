"""Font repairs pdfminer needs before an encrypted-but-openable (owner-password) PDF can be read."""
from __future__ import annotations

# Adobe's predefined Unicode CMaps name their character collection (PDF 32000-1, 9.7.5.2).
_UNICODE_CMAP_ORDERING = {"UniGB": b"GB1", "UniCNS": b"CNS1", "UniJIS": b"Japan1", "UniKS": b"Korea1"}


def repair_cid_system_info(pdf) -> None:
    """Give CJK fonts of an encrypted PDF a readable CIDSystemInfo.

    A PDF with only an owner password opens without one, and pdfminer decrypts
    it; but some writers (reportlab among them) encrypt the font's
    Registry/Ordering strings so that they decrypt to garbage, and every
    character then reads as '(cid:1193)'. The font's predefined encoding
    (UniGB-UCS2-H …) names the collection, so it is restored from there, in
    pdfminer's cached objects, before any page is read.
    """
    from pdfminer.pdftypes import resolve1

    for page in pdf.pages:
        resources = resolve1(page.page_obj.resources) or {}
        for ref in (resolve1(resources.get("Font")) or {}).values():
            font = resolve1(ref)
            encoding = getattr(resolve1(font.get("Encoding")), "name", "") if isinstance(font, dict) else ""
            ordering = next((o for prefix, o in _UNICODE_CMAP_ORDERING.items() if encoding.startswith(prefix + "-")), None)
            if ordering is None:
                continue
            for descendant in resolve1(font.get("DescendantFonts")) or []:
                descendant = resolve1(descendant)
                info = resolve1(descendant.get("CIDSystemInfo")) if isinstance(descendant, dict) else None
                if isinstance(info, dict) and not (_ascii(info.get("Registry")) and _ascii(info.get("Ordering"))):
                    info["Registry"], info["Ordering"] = b"Adobe", ordering


def _ascii(value) -> bool:
    return isinstance(value, bytes) and value.isascii() and value.isalnum()
