// reelbot gallery: filters submit on change; running cards (and a running video's page, its log
// line too) follow their generation until it ends, and a group's members until the group ends.
// Plain browser JavaScript, no build step. Server-sent events when the server offers them, else polling.
(() => {
  const labels = {
    queued: 'Queued',
    starting: 'Starting',
    processing: 'Processing',
    downloading: 'Saving',
    succeeded: 'Done',
    failed: 'Failed',
    canceled: 'Canceled',
  };
  const pollMs = 2000;

  // A change submits at once, so the new page would start with focus at its top, and someone on the
  // keyboard (whose arrow key changed the select) would Tab back to it each time: focus it again.
  const refocusKey = 'reelbot:refocus';
  for (const select of document.querySelectorAll('form.filters select')) {
    select.addEventListener('change', () => {
      if (document.activeElement === select) sessionStorage.setItem(refocusKey, select.name);
      select.form.requestSubmit();
    });
  }
  const refocus = sessionStorage.getItem(refocusKey);
  if (refocus) {
    sessionStorage.removeItem(refocusKey);
    document.querySelector(`form.filters select[name="${CSS.escape(refocus)}"]`)?.focus();
  }

  // A video flagged in an age-restricted category shows blurred until clicked once; the card's link
  // (or the player) answers only the clicks after that. Delegated, so cards added later work too.
  document.addEventListener(
    'click',
    (event) => {
      const hidden =
        event.target instanceof Element && event.target.closest('[data-restricted]:not(.is-revealed)');
      if (!hidden) return;
      event.preventDefault();
      event.stopPropagation();
      hidden.classList.add('is-revealed');
      // Revealed from the keyboard, the note that had focus is gone: hand focus to what it covered.
      if (hidden.contains(document.activeElement)) hidden.querySelector('video')?.focus();
    },
    true,
  );

  const body = document.body;
  const onDetail = body.dataset.page === 'detail';
  const running = () => Array.from(document.querySelectorAll('[data-generation-id][data-running]'));
  // Members of a group not yet ended (compare, batch): once it ends, they become its one card.
  const pendingMembers = (groupId) =>
    Array.from(
      document.querySelectorAll(
        groupId ? `[data-pending-group="${CSS.escape(groupId)}"]` : '[data-pending-group]',
      ),
    );
  const watching = () => running().length > 0 || pendingMembers().length > 0;
  if (!watching()) return;

  async function finish(element, id) {
    if (onDetail) {
      window.location.reload();
      return;
    }
    const response = await fetch(`/g/${encodeURIComponent(id)}/card`, { cache: 'no-store' });
    // Deleted while it ran (a delete cancels, then removes): gone, as a reload would show it.
    if (response.status === 404) {
      element.remove();
      return;
    }
    if (!response.ok) return;
    // The fragment is rendered (and escaped) by the server, like the rest of the page.
    const template = document.createElement('template');
    template.innerHTML = (await response.text()).trim();
    const fresh = template.content.firstElementChild;
    element.replaceWith(template.content);
    if (!(fresh instanceof HTMLElement) || !fresh.isConnected) return;
    if (fresh.dataset.chainId) foldChain(fresh.dataset.chainId);
    if (fresh.dataset.groupId) foldGroup(fresh);
  }

  // A finished group shows as one card where its newest member was (the page is newest first), as
  // the store folds it for the next load: the cards of its other members go.
  function foldGroup(groupCard) {
    const members = pendingMembers(groupCard.dataset.groupId);
    const newest = members.find(
      (member) => member.compareDocumentPosition(groupCard) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    newest?.before(groupCard);
    for (const member of members) member.remove();
  }

  // A group ended (or may have, unheard): each ended member's card is asked for again, and comes
  // back as the group's card (finished), as its own card without the mark (failed), or as it was.
  async function settleGroup(groupId) {
    const ended = pendingMembers(groupId).filter((member) => !member.hasAttribute('data-running'));
    await Promise.all(ended.map((member) => finish(member, member.dataset.generationId)));
  }

  // The groups on the page whose members have all ended: only their end is still to come.
  function groupsAwaitingEnd() {
    const groups = new Set(pendingMembers().map((member) => member.dataset.pendingGroup));
    return [...groups].filter((groupId) =>
      pendingMembers(groupId).every((member) => !member.hasAttribute('data-running')),
    );
  }

  // A chain shows as its newest finished part (the store folds the older ones away): once a part
  // finishes here, only the newest finished part of its chain stays, as a reload would show it.
  function foldChain(chainId) {
    const newestFirst = (a, b) => {
      const [timeA, timeB] = [a, b].map((card) => card.querySelector('time')?.getAttribute('datetime') ?? '');
      if (timeA !== timeB) return timeA < timeB ? 1 : -1;
      return a.dataset.generationId < b.dataset.generationId ? 1 : -1;
    };
    const finished = Array.from(
      document.querySelectorAll(`[data-chain-id="${CSS.escape(chainId)}"][data-status="succeeded"]`),
    ).sort(newestFirst);
    for (const older of finished.slice(1)) older.remove();
  }

  function apply(update) {
    const selector = `[data-generation-id="${CSS.escape(update.id)}"][data-running]`;
    for (const element of document.querySelectorAll(selector)) {
      if (update.final) {
        element.removeAttribute('data-running');
        finish(element, update.id);
        continue;
      }
      // A poll answer sent before a newer event may arrive after it: never step progress back.
      const previous = Number(element.dataset.percent ?? -1);
      if (
        update.status === element.dataset.status &&
        typeof update.progress === 'number' &&
        update.progress < previous
      )
        continue;
      element.dataset.status = update.status;
      if (typeof update.progress === 'number') element.dataset.percent = String(update.progress);
      // A detail page has two badges, over the player and by the prompt: both move.
      for (const badge of element.querySelectorAll('[data-badge]')) {
        const percent = update.status === 'processing' && typeof update.progress === 'number';
        badge.textContent = percent
          ? `${labels.processing} ${Math.round(update.progress)}%`
          : labels[update.status];
        badge.className = `badge badge--${update.status}`;
      }
      const bar = element.querySelector('[data-progress]');
      if (bar && typeof update.progress === 'number') bar.value = update.progress;
      // The detail page's log line ("Rendering frame 45/90") is the one this update's percent came
      // from: shown from the same update as the bar, so the two never disagree.
      const line = element.querySelector('[data-log]');
      if (line) {
        line.textContent = update.lastLog ?? '';
        line.hidden = !update.lastLog;
      }
    }
  }

  async function pollOnce() {
    const ids = [...new Set(running().map((element) => element.dataset.generationId))];
    const groups = groupsAwaitingEnd();
    await Promise.all([
      ...groups.map(settleGroup),
      ...ids.map(async (id) => {
        const response = await fetch(`/api/generations/${encodeURIComponent(id)}`, { cache: 'no-store' });
        if (response.status === 404) {
          apply({ id, status: 'canceled', final: true });
          return;
        }
        if (!response.ok) return;
        const generation = await response.json();
        apply({
          id,
          status: generation.status,
          final: generation.final,
          progress: generation.progress,
          lastLog: generation.lastLog,
        });
      }),
    ]);
  }

  function poll() {
    setTimeout(async () => {
      await pollOnce().catch(() => undefined);
      if (watching()) poll();
    }, pollMs);
  }

  if (body.dataset.live === 'sse' && 'EventSource' in window) {
    const ids = [...running(), ...pendingMembers()].map((element) => element.dataset.generationId);
    const source = new EventSource(`/events?ids=${encodeURIComponent([...new Set(ids)].join(','))}`);
    // Whatever changed before the stream opened would be missed: look once on every (re)connect.
    source.addEventListener('open', () => pollOnce().catch(() => undefined));
    source.addEventListener('generation', (event) => {
      apply(JSON.parse(event.data));
      if (!watching()) source.close();
    });
    source.addEventListener('group', async (event) => {
      await settleGroup(JSON.parse(event.data).id).catch(() => undefined);
      if (!watching()) source.close();
    });
  } else {
    poll();
  }
})();
