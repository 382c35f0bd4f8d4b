// A build context that is a git repository: `builds.contexts.NAME: { git: URL }`. The engine
// clones it itself (the `remote` parameter of POST /build, run by git on the engine's host), so
// the URL is checked here against the forms the engine's legacy builder treats as git, and
// nothing else: an https URL without `.git` would be downloaded as a tarball or a Dockerfile,
// `ssh://` is not recognised at all (Docker 20.10 says "could not be recognized as URL").

export interface GitContext {
  /** The repository as the engine gets it, without the fragment. */
  repository: string;
  /** Branch, tag or commit after `#`; none: the engine fetches `master`. */
  ref?: string;
  /** Directory inside the repository after `#ref:`; none: the top. */
  subdir?: string;
  /** What goes into the `remote` parameter: repository plus `#ref:subdir`. */
  remote: string;
}

const MAX_URL = 2048;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;
// A ref never starts with `-` (git would read it as an option) and never has `..` (git forbids it).
const REF = /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;
// scp-like ssh, the only ssh form the legacy builder takes: git@host:path/repo.git
const SCP = /^git@([^:/]+):([A-Za-z0-9_~][A-Za-z0-9._~/-]*)$/;

const FORMS = 'https://host/path/repo.git, git://host[:port]/path/repo.git or git@host:path/repo.git, optionally with #ref or #ref:subdir';

/** The git context a URL names, or an Error saying what is wrong (for the config's message). */
export function parseGitContext(url: string): GitContext {
  if (url.length > MAX_URL) throw new Error(`a git URL of at most ${MAX_URL} characters`);
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\s\x00-\x1f\x7f]/.test(url)) throw new Error('a git URL without spaces or control characters');
  const hash = url.indexOf('#');
  const repository = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash + 1);
  checkRepository(repository);
  const [ref = '', subdir = '', ...more] = fragment.split(':');
  if (more.length) throw new Error('a fragment of the form #ref or #ref:subdir (one ":" at most)');
  if (hash >= 0 && !ref) throw new Error('a ref after "#" (a branch, tag or commit), e.g. #main or #main:docker');
  if (ref && (!REF.test(ref) || ref.includes('..') || ref.endsWith('/') || ref.endsWith('.lock'))) {
    throw new Error(`a ref of letters, digits, ".", "_", "/" and "-" (not starting with "-", no ".."), not "${ref.slice(0, 60)}"`);
  }
  const segments = subdir ? subdir.replace(/\/+$/, '').split('/') : [];
  if (segments.some((s) => !SEGMENT.test(s) || s === '..' || s === '.')) {
    throw new Error(`a subdirectory relative to the repository (no "..", no leading "/"), not "${subdir.slice(0, 60)}"`);
  }
  const cleanSubdir = segments.join('/');
  return {
    repository,
    ...(ref ? { ref } : {}),
    ...(cleanSubdir ? { subdir: cleanSubdir } : {}),
    remote: ref ? `${repository}#${ref}${cleanSubdir ? `:${cleanSubdir}` : ''}` : repository,
  };
}

function checkRepository(repository: string): void {
  const scp = SCP.exec(repository);
  if (scp) {
    if (!HOST.test(scp[1] as string)) throw new Error(`a host name after "git@", not "${(scp[1] as string).slice(0, 60)}"`);
    if ((scp[2] as string).split('/').includes('..')) throw new Error('a repository path without ".."');
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(repository);
  } catch {
    throw new Error(`a git URL: ${FORMS}`);
  }
  if (parsed.protocol === 'ssh:') throw new Error('the engine\'s builder does not take ssh:// URLs: write it as git@host:path/repo.git');
  if (parsed.protocol === 'http:') throw new Error('https:// rather than http:// (a plain-text fetch can be tampered with), or git://');
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'git:') throw new Error(`a git URL: ${FORMS}`);
  // Credentials in the URL would reach the engine's and the socket proxy's request logs.
  if (parsed.username || parsed.password) throw new Error('a URL without credentials: give the engine\'s host a deploy key or a git credential helper instead');
  if (parsed.search) throw new Error('a URL without a query string');
  if (!HOST.test(parsed.hostname.replace(/^\[|\]$/g, '')) && !/^\[[0-9a-f:.]+\]$/i.test(parsed.hostname)) throw new Error(`a host name, not "${parsed.hostname.slice(0, 60)}"`);
  // The builder treats an http(s) URL as git only when its path ends in .git; otherwise it downloads it.
  if (parsed.protocol === 'https:' && !parsed.pathname.endsWith('.git')) throw new Error('an https URL whose path ends in .git (otherwise the engine downloads it as a tarball)');
  if (parsed.pathname === '/' || parsed.pathname === '') throw new Error('a URL with the repository path');
}

/** A context entry of the config: a directory on the bot host, or a git repository. */
export type BuildContextEntry = string | { git: string };

export const isGitContext = (entry: BuildContextEntry): entry is { git: string } => typeof entry === 'object';
