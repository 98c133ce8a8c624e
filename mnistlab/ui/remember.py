"""The browser remembers its student: a cookie holding the student's token, so a plain reload (or
the page's address without ``?me=``) brings the runs back; "Forget me" removes it. And a warning before
a reload or a closed tab loses what an unnamed student trained.

Reading uses ``st.context.cookies`` (the cookies of the page's request). Streamlit has no call that sets
one, so a small inline component (components v2, no build) writes it from the page: scoped to this
server's paths, ``SameSite=Strict`` (no other site's page sends it), ``Secure`` behind https. It cannot be
``HttpOnly``: only a server's response header can make a cookie so, and the page's own script writes it.
The token it holds is the same one the student's ``?me=`` link carries.
"""

from __future__ import annotations

import streamlit as st

COOKIE = "mnistlab_me"
MAX_AGE_S = 120 * 24 * 3600  # a school term or two
FORGET_KEY = "remember-forget"  # set by "Forget me": the next run removes the cookie
FORGOTTEN_KEY = "remember-forgotten"  # this session ignores the cookie its request carried
WRITTEN_KEY = "remember-written"  # the token this session has written into the cookie

_JS = """
export default function(component) {
  const { data } = component;
  const scope = '; Path=/; SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');
  const value = encodeURIComponent(data.keep || '');
  if (data.keep) document.cookie = `${data.name}=${value}; Max-Age=${data.max_age}` + scope;
  if (data.forget) document.cookie = `${data.name}=; Max-Age=0` + scope;
  window.mnistlabUnsaved = !!data.unsaved;
  if (!window.mnistlabUnloadHook) {
    window.mnistlabUnloadHook = true;
    window.addEventListener('beforeunload', e => {
      if (window.mnistlabUnsaved) { e.preventDefault(); e.returnValue = ''; }
    });
  }
  return () => { window.mnistlabUnsaved = false; };
}
"""

_cookie = st.components.v2.component("mnistlab_remember", js=_JS)


def remembered_token() -> str | None:
    """The token this browser was given on an earlier visit, if any."""
    if st.session_state.get(FORGOTTEN_KEY):
        return None
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 (outside a browser's request there are no cookies)
        return None
    return token or None


def forget() -> None:
    """This browser forgets its student (a "Forget me" button's callback)."""
    st.session_state[FORGET_KEY] = st.session_state[FORGOTTEN_KEY] = True
    st.session_state.pop(WRITTEN_KEY, None)


def sync(token: str | None, unsaved: bool) -> None:
    """Write the cookie when the browser does not hold this token yet, remove it after "Forget me", and
    warn before unloading while ``unsaved``. Mounted only when there is something to do."""
    forgetting = bool(st.session_state.pop(FORGET_KEY, False))
    held = {remembered_token(), st.session_state.get(WRITTEN_KEY)}
    keep = token if token and not forgetting and token not in held else None
    if keep:
        st.session_state[WRITTEN_KEY] = keep
        st.session_state.pop(FORGOTTEN_KEY, None)  # a new name after "Forget me" is remembered again
    if keep or forgetting or unsaved:
        _cookie(
            key="remember-cookie",
            data={
                "name": COOKIE,
                "keep": keep,
                "forget": forgetting,
                "unsaved": unsaved,
                "max_age": MAX_AGE_S,
            },
        )
