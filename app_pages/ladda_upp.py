# Ladda upp data: coordinators log in, upload files, see the validation report or a preview of
# what changes, confirm the import, and can undo the last one. Shown only with an admin password.
"""Upload page: thin; parsing, preview, throttling and writing live in pluginnan_core."""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pluginnan_core import admin, queries
from pluginnan_core import db as core_db
from pluginnan_core.i18n import fmt_number, t
from pluginnan_core.importers import ImportRejected, Problems, kinds, run_import
from pluginnan_core.importers import preview as core_preview
from ui import cache, state

database, lang = state.db(), state.lang()
db_path = state.db_path()

st.title(t("upload_title", lang))

# --------------------------------------------------------------------------- login
login: admin.LoginState = st.session_state.setdefault("_admin_login", admin.LoginState())
try:
    secrets = st.secrets
except Exception:  # no secrets.toml
    secrets = None
expected = admin.configured_password(secrets)

if not login.logged_in:
    st.markdown(t("upload_login_intro", lang))
    with st.form("upload_login"):
        given = st.text_input(t("upload_password", lang), type="password", key="upload_password")
        submitted = st.form_submit_button(t("upload_login_button", lang))
    if submitted:
        result = admin.attempt(login, given or "", expected)
        if result.ok:
            st.rerun()
        elif result.code == "locked":
            st.error(t("upload_login_locked", lang, min=max(1, round(result.wait / 60))), icon=":material/lock:")
        elif result.code == "wait":
            st.warning(t("upload_login_wait", lang, s=max(1, round(result.wait))), icon=":material/hourglass_empty:")
        elif result.code == "not_configured":
            st.error(t("upload_not_configured", lang), icon=":material/error:")
        else:
            st.error(t("upload_login_wrong", lang, s=max(1, round(result.wait))), icon=":material/error:")
    st.stop()

# --------------------------------------------------------------------------- logged in
top = st.columns([4, 1])
top[0].markdown(t("upload_intro", lang))
if top[1].button(t("upload_logout", lang), key="upload_logout"):
    login.logged_in = False
    st.rerun()

message = st.session_state.pop("_upload_message", None)
if message:
    st.success(message, icon=":material/check_circle:")

all_kinds = kinds()
order = ["auto", "skolverket-skola", "skolverket-kommun", "skolverket-tidsserie", "kolada", "absence-pupils",
         "subprojects", "eligibility", "eligibility-kommun", "absence"]
options = [k for k in order if k in all_kinds] + sorted(k for k in all_kinds if k not in order)
kind = st.selectbox(t("upload_kind", lang), options, key="upload_kind",
                    format_func=lambda k: all_kinds[k].description_en if lang == "en" else all_kinds[k].description_sv)
lasar = st.text_input(t("upload_lasar", lang), key="upload_lasar", placeholder="2024/25",
                      help=t("upload_lasar_help", lang)).strip() or None
nonce = st.session_state.setdefault("_upload_nonce", 0)
uploads = st.file_uploader(t("upload_files", lang), type=["csv", "txt", "xlsx", "json"], accept_multiple_files=True,
                           key=f"upload_files_{nonce}", help=t("upload_files_help", lang))


def _safe_name(name: str, taken: set[str]) -> str:
    """The uploaded file's own name (the import log shows it), without folders or odd characters."""
    base = re.sub(r"[\x00-\x1f/\\]", "_", Path(name).name).strip() or "fil"
    stem, suffix, i = Path(base).stem, Path(base).suffix, 1
    while base in taken:
        i += 1
        base = f"{stem} ({i}){suffix}"
    taken.add(base)
    return base


def _write(tmp: Path) -> list[Path]:
    paths, taken = [], set()
    for upload in uploads or []:
        path = tmp / _safe_name(upload.name, taken)
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def _show_problems(problems: Problems) -> None:
    """The validation report as a table: values from files are shown as data, never as markdown."""
    st.error(t("upload_rejected", lang), icon=":material/error:")
    st.dataframe(problems.table(lang), hide_index=True, width="stretch", key="upload_problems")
    if problems.total > len(problems.items):
        st.caption(t("upload_more_problems", lang, n=fmt_number(problems.total - len(problems.items), 0, lang)))


if uploads:
    key = (kind, lasar, database.token, tuple((u.name, hashlib.sha256(u.getvalue()).hexdigest()) for u in uploads))
    cached = st.session_state.get("_upload_preview")
    if not cached or cached[0] != key:
        with st.spinner(t("upload_checking", lang)), tempfile.TemporaryDirectory(prefix="pluginnan-upload-") as tmp:
            result = core_preview.preview(db_path, kind, _write(Path(tmp)), lasar=lasar)
        st.session_state["_upload_preview"] = cached = (key, result)
    result = cached[1]
    if not result.ok:
        _show_problems(result.problems)
    else:
        st.subheader(t("upload_preview_head", lang))
        table = result.table(lang)
        for col in table.columns[2:6]:
            table[col] = table[col].map(lambda n: fmt_number(n, 0, lang))
        st.dataframe(table, hide_index=True, width="stretch")
        if result.years:
            st.markdown(t("upload_preview_years", lang, years=", ".join(result.years)))
        notes = [n for f in result.files for n in f.notes]
        if notes:
            with st.expander(t("upload_notes_head", lang)):
                for note in notes:
                    st.text(note)
        total = sum(f.rows for f in result.files)
        if st.button(t("upload_confirm", lang, n=fmt_number(total, 0, lang)), type="primary",
                     key="upload_confirm"):
            try:
                with st.spinner(t("upload_loading", lang)), \
                        tempfile.TemporaryDirectory(prefix="pluginnan-upload-") as tmp:
                    done = run_import(db_path, kind, _write(Path(tmp)), lasar=lasar)
            except ImportRejected as exc:
                _show_problems(exc.problems)
            except core_db.DatabaseError as exc:
                st.error(t(f"db_{exc.code}", lang, path=str(exc.path)), icon=":material/error:")
            else:
                st.session_state["_upload_message"] = t("upload_done", lang, rows=fmt_number(done.rows, 0, lang),
                                                        files=", ".join(done.files))
                st.session_state["_upload_nonce"] = nonce + 1
                st.session_state.pop("_upload_preview", None)
                st.rerun()
else:
    st.info(t("upload_no_files", lang), icon=":material/info:")

# --------------------------------------------------------------------------- undo
st.subheader(t("upload_undo_head", lang))
last = cache.call(queries.inventory, database)["imports"].tail(1)  # the import log, ordered by import_id
if core_db.previous_path(db_path).exists() and not last.empty:
    row = last.iloc[0]
    kind_label = all_kinds[row["kind"]].description_en if lang == "en" and row["kind"] in all_kinds else row["source"]
    st.markdown(t("upload_last", lang, file=row["file_name"], kind=kind_label or row["kind"],
                  when=pd.Timestamp(row["imported_at"]).strftime("%Y-%m-%d %H:%M"),
                  rows=fmt_number(row["rows"], 0, lang)))
    if st.button(t("upload_undo_button", lang), key="upload_undo"):
        if core_db.undo_last_import(db_path):
            st.session_state["_upload_message"] = t("upload_undo_done", lang)
        st.session_state.pop("_upload_preview", None)
        st.rerun()
else:
    st.markdown(t("upload_undo_none", lang))

with st.expander(t("upload_formats_head", lang)):
    st.markdown(t("upload_formats_text", lang))
