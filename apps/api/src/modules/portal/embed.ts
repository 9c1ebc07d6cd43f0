// The embeddable web form's two public pieces: `form.js` (what a company pastes into its website)
// and the small form page it frames. The page is a self-contained document of this service, so it
// posts to the API on its own origin (no CORS) and its styles cannot clash with the host site's.
import { createHash } from 'node:crypto'

/** The script a website includes: `<script src=".../embed/form.js" data-tenant="slug" async></script>`. */
export const FORM_JS = `(function () {
  var me = document.currentScript;
  if (!me || !me.src) return;
  var origin = new URL(me.src).origin;
  var tenant = me.getAttribute('data-tenant');
  if (!tenant) { console.error('Aftercare form: data-tenant is missing'); return; }
  var lang = me.getAttribute('data-lang') || document.documentElement.lang || 'zh-CN';
  var frame = document.createElement('iframe');
  frame.src = origin + '/api/public/forms/' + encodeURIComponent(tenant) + '/embed?lang=' + encodeURIComponent(lang);
  frame.title = me.getAttribute('data-title') || 'Service request';
  frame.setAttribute('data-aftercare-form', tenant);
  frame.style.cssText = 'width:100%;max-width:520px;height:560px;border:0;display:block';
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow || !e.data || e.data.type !== 'aftercare-form-height') return;
    frame.style.height = Math.max(200, Math.min(2000, Number(e.data.height) || 560)) + 'px';
  });
  me.parentNode.insertBefore(frame, me.nextSibling);
})();
`

const texts = {
  'zh-CN': {
    title: '提交服务请求',
    name: '姓名',
    company: '公司（可选）',
    email: '邮箱',
    mobile: '手机号',
    contactHint: '邮箱和手机号至少填写一项',
    subject: '问题标题',
    description: '问题描述',
    website: '请勿填写此项',
    submit: '提交',
    sending: '正在提交…',
    done: '已收到您的请求，编号 {ref}。我们会尽快与您联系。',
    failed: '提交失败：',
    again: '再提交一条',
  },
  'en-US': {
    title: 'Submit a service request',
    name: 'Name',
    company: 'Company (optional)',
    email: 'Email',
    mobile: 'Mobile',
    contactHint: 'Give an email or a mobile number',
    subject: 'Subject',
    description: 'Description',
    website: 'Leave this empty',
    submit: 'Submit',
    sending: 'Sending…',
    done: 'Thank you, we received your request ({ref}) and will contact you soon.',
    failed: 'Could not submit: ',
    again: 'Submit another',
  },
} as const

// Reads its settings from data attributes; posts JSON to the API and reports its height to the host page.
const PAGE_SCRIPT = `(function () {
  var f = document.getElementById('f'), out = document.getElementById('out'), b = document.body.dataset;
  function size() { parent.postMessage({ type: 'aftercare-form-height', height: document.documentElement.scrollHeight }, '*'); }
  f.addEventListener('submit', function (e) {
    e.preventDefault();
    var d = new FormData(f), body = { formToken: b.token };
    ['name', 'company', 'email', 'mobile', 'subject', 'description', 'website'].forEach(function (k) {
      var v = String(d.get(k) || '').trim(); if (v) body[k] = v;
    });
    if (!body.email && !body.mobile) { out.textContent = b.contactHint; out.className = 'err'; size(); return; }
    var btn = f.querySelector('button'); btn.disabled = true; btn.textContent = b.sending;
    fetch(b.action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (r) {
        if (!r.ok) throw new Error((r.j && r.j.message) || 'error');
        f.hidden = true; out.className = 'ok'; out.textContent = b.done.replace('{ref}', r.j.reference);
      })
      .catch(function (err) { out.className = 'err'; out.textContent = b.failed + err.message; })
      .then(function () { btn.disabled = false; btn.textContent = b.submit; size(); });
  });
  size();
})();`

export const PAGE_SCRIPT_HASH = `'sha256-${createHash('sha256').update(PAGE_SCRIPT).digest('base64')}'`

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The framed form page; `token` is the signed render time checked on submit. */
export function formPage(o: { tenantSlug: string; tenantName: string; token: string; lang: string }): string {
  const t = o.lang.toLowerCase().startsWith('en') ? texts['en-US'] : texts['zh-CN']
  const action = `/api/public/forms/${encodeURIComponent(o.tenantSlug)}/tickets`
  const field = (name: string, label: string, extra = '') => `<label>${esc(label)}<input name="${name}" ${extra}></label>`
  return `<!doctype html>
<html lang="${o.lang.toLowerCase().startsWith('en') ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(t.title)}</title>
<style>
body{margin:0;padding:16px;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2329;background:#fff}
h1{font-size:18px;margin:0 0 4px}p.org{margin:0 0 12px;color:#646a73}
label{display:block;margin:0 0 10px}input,textarea{display:block;box-sizing:border-box;width:100%;margin-top:4px;padding:8px;border:1px solid #d0d3d6;border-radius:6px;font:inherit}
.row{display:flex;gap:8px}.row label{flex:1}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
button{padding:9px 20px;border:0;border-radius:6px;background:#1668dc;color:#fff;font:inherit;cursor:pointer}button:disabled{opacity:.6}
#out.ok{color:#237804;background:#f6ffed;padding:12px;border-radius:6px}#out.err{color:#cf1322;margin-top:8px}
</style></head>
<body data-token="${esc(o.token)}" data-action="${esc(action)}" data-submit="${esc(t.submit)}" data-sending="${esc(t.sending)}" data-done="${esc(t.done)}" data-failed="${esc(t.failed)}" data-contact-hint="${esc(t.contactHint)}">
<h1>${esc(t.title)}</h1><p class="org">${esc(o.tenantName)}</p>
<form id="f" novalidate>
${field('name', t.name, 'required maxlength="100" autocomplete="name"')}
${field('company', t.company, 'maxlength="200" autocomplete="organization"')}
<div class="row">${field('email', t.email, 'type="email" maxlength="254" autocomplete="email"')}${field('mobile', t.mobile, 'type="tel" maxlength="20" autocomplete="tel"')}</div>
${field('subject', t.subject, 'required maxlength="200"')}
<label>${esc(t.description)}<textarea name="description" required maxlength="5000" rows="5"></textarea></label>
<div class="hp" aria-hidden="true">${field('website', t.website, 'tabindex="-1" autocomplete="off"')}</div>
<button type="submit">${esc(t.submit)}</button>
</form>
<div id="out" role="status" aria-live="polite"></div>
<script>${PAGE_SCRIPT}</script>
</body></html>`
}
