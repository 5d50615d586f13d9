// SPDX-License-Identifier: Apache-2.0
// Sign-in form.
import { h, clear, field } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import { errorText } from '../app.js';

export function renderLogin(main, done) {
    clear(main);
    const user = field(t('login.username'),
        h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none',
                     spellcheck: 'false' }));
    const pass = field(t('login.password'),
        h('input', { name: 'password', type: 'password', autocomplete: 'current-password',
                     required: true }));
    const msg = h('p', { class: 'error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', id: 'login-submit' }, t('login.submit'));
    const form = h('form', { class: 'card narrow', id: 'login', novalidate: false },
        h('h1', { tabindex: '-1' }, t('login.title')), user.wrap, pass.wrap, msg, submit,
        h('p', { class: 'hint' }, t('login.hint')));
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        submit.disabled = true;
        msg.hidden = true;
        try {
            await api.login(user.input.value.trim(), pass.input.value);
            pass.input.value = '';
            done();
        } catch (e) {
            msg.textContent = t('login.failed', { message: errorText(e) });
            msg.hidden = false;
            pass.input.select();
        } finally {
            submit.disabled = false;
        }
    });
    main.appendChild(form);
    user.input.focus();
}
