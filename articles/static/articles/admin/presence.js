'use strict';
// Who else has this article open: the change page reports itself every few seconds and
// shows the others as notices. It never blocks anything; saving is guarded by the version.
{
    const list = document.getElementById('article-editing');
    if (list) {
        const url = list.dataset.url;
        const every = Number(list.dataset.heartbeatMs) || 30000;
        const form = list.closest('form');
        const token = form ? form.querySelector('input[name=csrfmiddlewaretoken]') : null;

        const body = (extra) => {
            const data = new FormData();
            if (token) {
                data.append('csrfmiddlewaretoken', token.value);
            }
            if (extra) {
                data.append(extra, '1');
            }
            return data;
        };

        const show = (notices) => {
            list.replaceChildren(...notices.map((text) => {
                const item = document.createElement('li');
                item.className = 'warning';
                item.textContent = text;
                return item;
            }));
        };

        const beat = async () => {
            try {
                const response = await fetch(url, {method: 'POST', body: body(), credentials: 'same-origin'});
                if (response.ok) {
                    show((await response.json()).notices);
                }
            } catch (error) {
                // Offline for a moment: the next beat tries again.
            }
        };

        setInterval(beat, every);
        window.addEventListener('pagehide', () => navigator.sendBeacon(url, body('left')));
        // For tests and the curious: report now rather than at the next beat.
        window.bylinePresence = {beat};
    }
}
