"""Drafts that save themselves while the person types (docs/adr/0010-form-drafts.md).

A form switches autosave on with one template tag, `{% autosave_form key %}…{% endautosave_form %}`
(`academy/templatetags/drafts.py`). `static/src/js/autosave.js` then sends what the person typed
to `draft_save` every few seconds while something changed, when they leave a field and when the
page is hidden or closed. The server keeps one `FormDraft` row per person and form key; the view
puts it back into the form on the next visit (`web.draft_initial`) and discards it once the form
has been sent (`web.draft_discard`).

Keys name "this form for this object": `<app>:<form>` for a form that makes something new and has
nothing else to tell its drafts apart (`academy:invite`), `<app>:<form>:<uuid>` for a form about
one object (`asye:evidence:<uuid>`), `<app>:<form>:new:<variant>` for a new object of one kind
(`asye:evidence:new:reflection`). `draft_key(...)` builds and checks one.

Drafts belong to the person who typed them: no selector returns anyone else's, nobody else can
list them, and they are removed DRAFTS_KEEP_DAYS after their last change by a daily sweep."""
