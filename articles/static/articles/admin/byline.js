'use strict';
// The byline inline: drag a row by its handle to reorder it; the position inputs are
// rewritten 1, 2, 3... in the order shown. A row added with "Add another author" is given the
// next position. The inputs stay editable for those who prefer typing a number.
{
    const groupId = 'bylines-group';

    function formRows(group) {
        return Array.from(group.querySelectorAll('tbody tr.form-row')).filter(
            (row) => !row.classList.contains('empty-form') && row.id !== 'bylines-empty'
        );
    }

    function positionInput(row) {
        return row.querySelector('input[name$="-position"]');
    }

    function renumber(group) {
        let position = 1;
        for (const row of formRows(group)) {
            const input = positionInput(row);
            if (input) {
                input.value = String(position);
                position += 1;
            }
        }
    }

    function nextPosition(group, except) {
        let highest = 0;
        for (const row of formRows(group)) {
            const input = positionInput(row);
            if (row !== except && input && /^\d+$/.test(input.value)) {
                highest = Math.max(highest, Number(input.value));
            }
        }
        return highest + 1;
    }

    function addHandle(group, row) {
        const cell = row.querySelector('td.original');
        if (!cell || cell.querySelector('.byline-handle') || !positionInput(row)) {
            return;
        }
        const handle = document.createElement('span');
        handle.className = 'byline-handle';
        handle.textContent = '⠿';
        handle.title = 'Drag to reorder';
        handle.setAttribute('aria-hidden', 'true');
        cell.prepend(handle);
        // Only the handle starts a drag, so the author picker and inputs work as usual.
        handle.addEventListener('mousedown', () => { row.draggable = true; });
        row.addEventListener('dragend', () => {
            row.draggable = false;
            row.classList.remove('byline-dragging');
            renumber(group);
        });
        row.addEventListener('dragstart', (event) => {
            row.classList.add('byline-dragging');
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', row.id);
        });
    }

    function setUp(group) {
        const body = group.querySelector('tbody');
        if (!body) {
            return;
        }
        formRows(group).forEach((row) => addHandle(group, row));
        body.addEventListener('dragover', (event) => {
            const dragged = body.querySelector('tr.byline-dragging');
            const target = event.target.closest('tr.form-row');
            if (!dragged || !target || target === dragged || target.classList.contains('empty-form')) {
                return;
            }
            event.preventDefault();
            const box = target.getBoundingClientRect();
            const after = event.clientY > box.top + box.height / 2;
            body.insertBefore(dragged, after ? target.nextSibling : target);
        });
        body.addEventListener('drop', (event) => {
            event.preventDefault();
            renumber(group);
        });
        document.addEventListener('formset:added', (event) => {
            if (event.detail && event.detail.formsetName !== 'bylines') {
                return;
            }
            const row = event.target;
            const input = positionInput(row);
            if (input) {
                input.value = String(nextPosition(group, row));
            }
            addHandle(group, row);
        });
    }

    function start() {
        const group = document.getElementById(groupId);
        if (group) {
            setUp(group);
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
