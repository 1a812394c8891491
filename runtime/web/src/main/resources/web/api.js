// The HTTP API: fetch with the bearer token (when one is needed), problem details as errors, the token prompt.

const TOKEN_KEY = 'regie.token';

// The launcher prints a link that carries the operator's token in the fragment (#token=...): the fragment never
// reaches a server or a log. Keep the token for this tab and take it out of the address bar and the history.
(function takeTokenFromTheLink() {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
})();

/** An answer that was not 2xx: the problem's detail (RFC 9457) when there is one, the status otherwise. */
export class ApiError extends Error {
  constructor(status, problem, fallback) {
    super(problem?.detail || problem?.title || fallback || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Headers for a request: the caller's own plus Authorization when a token is kept. */
export function authHeaders(headers = {}) {
  const kept = token();
  return kept ? { ...headers, Authorization: `Bearer ${kept}` } : { ...headers };
}

let pendingPrompt = null;
/** The user cancelled the prompt: ask no more until they choose to (the page's "Enter token" button). */
let declined = false;

/** Lets the next 401 ask for a token again, after the user cancelled once. */
export function allowTokenPrompt() {
  declined = false;
}

/**
 * Asks for a token (one dialog, however many requests wait for it). Resolves true when the user gave one, false
 * when they cancelled.
 */
export function promptForToken(message) {
  if (pendingPrompt) {
    return pendingPrompt;
  }
  if (declined) {
    return Promise.resolve(false);
  }
  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  const error = document.getElementById('token-error');
  const cancel = document.getElementById('token-cancel');
  error.textContent = token() ? 'The token was refused. ' + (message || '') : (message || '');
  input.value = '';
  pendingPrompt = new Promise((resolve) => {
    const done = (given) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) {
        dialog.close();
      }
      pendingPrompt = null;
      resolve(given);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) {
        error.textContent = 'Enter a token.';
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, value);
      done(true);
    };
    const onCancel = (event) => {
      event.preventDefault();
      declined = true;
      done(false);
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
  return pendingPrompt;
}

/**
 * fetch() against the API with the token; a 401 asks for a token and tries again (until the user cancels).
 * Returns the Response of any other status.
 */
export async function apiFetch(path, options = {}) {
  for (;;) {
    const response = await fetch(path, { ...options, headers: authHeaders(options.headers) });
    if (response.status !== 401) {
      return response;
    }
    const problem = await readProblem(response);
    if (!(await promptForToken(problem?.detail))) {
      throw new ApiError(401, problem, 'a token is needed');
    }
  }
}

/** A JSON answer, or an ApiError carrying the problem. */
export async function apiJson(path, options = {}) {
  const response = await apiFetch(path, { ...options, headers: { Accept: 'application/json', ...options.headers } });
  if (!response.ok) {
    throw new ApiError(response.status, await readProblem(response), response.statusText);
  }
  return response.json();
}

/** The problem-details body of an error answer, or null when it has none. */
export async function readProblem(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text ? { detail: text.slice(0, 300) } : null;
  }
}

/** Every entity, page by page (the API gives at most 10,000 at a time). */
export async function allEntities() {
  const entities = [];
  for (let offset = 0; ; ) {
    const page = await apiJson(`/api/entities?limit=10000&offset=${offset}`);
    entities.push(...page.entities);
    offset += page.entities.length;
    if (page.entities.length === 0 || offset >= page.total) {
      return entities;
    }
  }
}
